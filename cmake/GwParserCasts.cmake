# Run after ANTLR generates GwParser.cpp: `cmake -DFILE=.../GwParser.cpp -P GwParserCasts.cmake`.
# The ANTLR 4.7.2 C++ target downcasts the context it has just created (or `_localctx`, whose
# type the generated code fixed a few lines earlier) with dynamic_cast, and fetches the parser's
# ATN simulator with a dynamic_cast at every prediction. Both types are known by construction;
# the casts are a measurable share of parsing a large policy (each walks the class hierarchy and
# compares type names), so they become static_casts. Other dynamic_casts (visitor dispatch,
# `sempred`'s context argument) are left alone.
file(READ "${FILE}" text)
string(REGEX REPLACE "dynamic_cast<([A-Za-z]+Context \\*)>\\((_localctx|_tracker\\.createInstance<)"
       "static_cast<\\1>(\\2" text "${text}")
string(REPLACE "getInterpreter<atn::ParserATNSimulator>()"
       "static_cast<atn::ParserATNSimulator *>(_interpreter)" text "${text}")
file(WRITE "${FILE}" "${text}")
