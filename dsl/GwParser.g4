// The parser of the .gw policy language. Newlines are not significant: every item starts with a
// keyword, so `match { path "/x" method GET }` needs no separators; `;` may separate items.
// Labelled alternatives give the AST builder one visit method per construct.
parser grammar GwParser;
options { tokenVocab = GwLexer; contextSuperClass = CstContext; }
// CstContext (compiler/parse/cst_context.h) finds children without dynamic_cast.
@parser::postinclude { #include "compiler/parse/cst_context.h" }

file: decl* EOF;

decl
  : INCLUDE STRING                                         # includeDecl
  | GATEWAY LBRACE gatewayItem* RBRACE                     # gatewayDecl
  | UPSTREAM name LBRACE upstreamItem* RBRACE              # upstreamDecl
  | AUTH name kind=name LBRACE authItem* RBRACE            # authDecl
  | LIMIT name kind=name LBRACE limitItem* RBRACE          # limitDecl
  | POLICY name LBRACE policyRule* RBRACE                        # policyDecl
  | ROUTE name LBRACE routeItem* RBRACE                    # routeDecl
  | TEST STRING LBRACE testItem* RBRACE                    # testDecl
  | SEMI                                                   # emptyDecl
  ;

// ---- gateway -------------------------------------------------------------------------------
gatewayItem
  : LISTEN address (TLS tlsBlock)?                         # listenItem
  | ADMIN address                                          # adminItem
  | REDIS STRING                                           # redisItem
  | STRIP_HEADERS list                                     # stripHeadersItem
  | TRUSTED_PROXIES list                                   # trustedProxiesItem
  | ACCESS_LOG STRING                                      # accessLogItem
  | THREADS INT                                            # threadsItem
  | LIMIT name (COMMA name)*                               # gatewayLimitItem
  | SEMI                                                   # gatewaySemi
  ;
address: ADDRESS | STRING | INT;
tlsBlock: LBRACE tlsItem* RBRACE;
tlsItem
  : CERT STRING                                            # tlsCert
  | KEY STRING                                             # tlsKey
  | CLIENT_CA STRING                                       # tlsClientCa
  | CLIENT_AUTH name                                       # tlsClientAuth
  | CA STRING                                              # tlsCa
  | SNI STRING                                             # tlsSni
  | HANDSHAKE_TIMEOUT DURATION                             # tlsHandshakeTimeout
  | SEMI                                                   # tlsSemi
  ;

// ---- upstream ------------------------------------------------------------------------------
upstreamItem
  : SERVER address (WEIGHT INT)? BACKUP?                   # serverItem
  | BALANCE name (LPAREN expr RPAREN)?                     # balanceItem
  | HEALTH method=name STRING healthOpt*                   # healthItem
  | BREAKER breakerOpt+                                    # breakerItem
  | TIMEOUT DURATION                                       # upstreamTimeout
  | CONNECT_TIMEOUT DURATION                               # connectTimeout
  | IDLE_TIMEOUT DURATION                                  # idleTimeout
  | RETRY INT retryOpt*                                    # retryItem
  | TLS tlsBlock                                           # upstreamTls
  | SEMI                                                   # upstreamSemi
  ;
// A health check's `timeout` must be on the same line as the token before it: a `timeout` that
// starts a line is the upstream's own request timeout (newlines are otherwise not significant,
// so without this `health get "/h" every 5s` + newline + `timeout 30s` read as one item).
healthOpt
  : EVERY DURATION                                         # healthEvery
  | {_input->LT(1)->getLine() == _input->LT(-1)->getLine()}? TIMEOUT DURATION # healthTimeout
  | HEALTHY INT                                            # healthHealthy
  | UNHEALTHY INT                                          # healthUnhealthy
  ;
breakerOpt
  : FAILURES INT                                           # breakerFailures
  | OPEN DURATION                                          # breakerOpen
  | CLOSE_AFTER INT                                        # breakerCloseAfter
  | PROBES INT                                             # breakerProbes
  ;
retryOpt
  : ON list                                                # retryOn
  | BACKOFF DURATION DOTDOT DURATION                       # retryBackoff
  | JITTER                                                 # retryJitter
  | BUDGET PERCENT                                         # retryBudget
  | BUFFER SIZE                                            # retryBuffer
  ;

// ---- auth ----------------------------------------------------------------------------------
authItem
  : ISSUER STRING                                          # authIssuer
  | AUDIENCE (STRING | list)                               # authAudience
  | JWKS source (REFRESH DURATION)?                        # authJwks
  | PUBLIC_KEY source                                      # authPublicKey
  | ALGORITHMS list                                        # authAlgorithms
  | HMAC_SECRET source                                     # authHmacSecret
  | LEEWAY DURATION                                        # authLeeway
  | CACHE DURATION                                         # authCache
  | HEADER STRING                                          # authHeader
  | QUERY STRING                                           # authQuery
  | KEYS source                                            # authKeys
  | ENDPOINT STRING                                        # authEndpoint
  | CLIENT STRING SECRET source                            # authClient
  | ROLES_CLAIM STRING                                     # authRolesClaim
  | SEMI                                                   # authSemi
  ;
source: (FILE | URL | ENV)? STRING;

// ---- limit ---------------------------------------------------------------------------------
limitItem
  : KEY expr                                               # limitKey
  | RATE RATE_LIT                                          # limitRate
  | BURST INT                                              # limitBurst
  | STORE name                                             # limitStore
  | WARN PERCENT                                           # limitWarn
  | ON_STORE_ERROR name                                    # limitOnStoreError
  | SEMI                                                   # limitSemi
  ;

// ---- policy rules --------------------------------------------------------------------------
policyRule
  : effect=(ALLOW | DENY) (WHEN expr)?                     # whenRule
  | effect=(ALLOW | DENY) ROLES list                       # rolesRule
  | effect=(ALLOW | DENY) SCOPES list                      # scopesRule
  | SEMI                                                   # ruleSemi
  ;

// ---- route ---------------------------------------------------------------------------------
routeItem
  : MATCH LBRACE matchItem* RBRACE                         # matchBlock
  | LIMIT name (COMMA name)*                               # routeLimit
  | AUTHENTICATE name (OR name)* OPTIONAL?                 # authenticateItem
  | AUTHORIZE name (COMMA name)*                           # authorizeRef
  | AUTHORIZE LBRACE policyRule* RBRACE                          # authorizeBlock
  | REQUEST LBRACE transform* RBRACE                       # requestBlock
  | RESPONSE LBRACE transform* RBRACE                      # responseBlock
  | FORWARD forwardTarget (COMMA forwardTarget)* (BY expr)? # forwardItem
  | AGGREGATE LBRACE aggregatePart* RBRACE                 # aggregateItem
  | TIMEOUT DURATION                                       # routeTimeout
  | MAX_BODY SIZE                                          # maxBodyItem
  | RETRY_METHODS (name | list)                            # retryMethodsItem
  | SEMI                                                   # routeSemi
  ;
matchItem
  : HOST (STRING | list)                                   # matchHost
  | PATH kind=(EXACT | PREFIX)? STRING                     # matchPath
  | METHOD (name | list)                                   # matchMethod
  | HEADER STRING fieldCondition                           # matchHeader
  | QUERY STRING fieldCondition                            # matchQuery
  | WHEN expr                                              # matchWhen
  | SEMI                                                   # matchSemi
  ;
fieldCondition
  : op=(EQEQ | NEQ) STRING                                 # fieldCompare
  | MATCHES REGEX                                          # fieldMatches
  | PRESENT                                                # fieldPresent
  | ABSENT                                                 # fieldAbsent
  ;
transform
  : SET HEADER STRING ASSIGN expr                          # setHeader
  | REMOVE HEADER STRING                                   # removeHeader
  | REWRITE PATH STRING ARROW STRING                       # rewritePath
  | BODY JSON LBRACE jsonOp* RBRACE                        # bodyJson
  | COMPRESS list (MIN SIZE)?                              # compressItem
  | SEMI                                                   # transformSemi
  ;
jsonOp
  : RENAME STRING ARROW STRING                             # jsonRename
  | REMOVE STRING                                          # jsonRemove
  | SET STRING ASSIGN expr                                 # jsonSet
  | SEMI                                                   # jsonSemi
  ;
forwardTarget: name PERCENT?;
aggregatePart: field=name ASSIGN upstream=name STRING;

// ---- tests ---------------------------------------------------------------------------------
testItem
  : REQUEST method=name STRING requestOpt*                 # testRequest
  | EXPECT expectation                                     # testExpect
  | SEMI                                                   # testSemi
  ;
requestOpt
  : HEADER STRING ASSIGN STRING                            # reqHeader
  | JWT object                                             # reqJwt
  | CLAIMS object                                          # reqClaims
  | IP (IPV4 | STRING)                                     # reqIp
  | API_KEY STRING                                         # reqApiKey
  | CERT object                                            # reqCert
  | BODY STRING                                            # reqBody
  ;
expectation
  : ROUTE name                                             # expectRoute
  | NO_ROUTE                                               # expectNoRoute
  | ALLOW                                                  # expectAllow
  | DENY                                                   # expectDeny
  | STATUS INT                                             # expectStatus
  | UPSTREAM name                                          # expectUpstream
  | HEADER STRING ASSIGN STRING                            # expectHeader
  ;
object: LBRACE (objectEntry (COMMA objectEntry)* COMMA?)? RBRACE;
objectEntry: (name | STRING) COLON jsonValue;
jsonValue
  : STRING                                                 # jsonString
  | (INT | FLOAT)                                          # jsonNumber
  | (KW_TRUE | KW_FALSE)                                         # jsonBool
  | KW_NULL                                                   # jsonNull
  | LBRACK (jsonValue (COMMA jsonValue)* COMMA?)? RBRACK   # jsonArray
  | object                                                 # jsonObject
  ;

// ---- expressions ---------------------------------------------------------------------------
// Precedence, tightest first: comparisons, `not`, `and`, `or` (so `not a == b` is not (a == b)).
expr
  : lhs=expr op=compareOp rhs=expr                         # compareExpr
  | lhs=expr NOT IN rhs=expr                               # notInExpr
  | lhs=expr MATCHES REGEX                                 # matchesExpr
  | NOT expr                                               # notExpr
  | lhs=expr AND rhs=expr                                  # andExpr
  | lhs=expr OR rhs=expr                                   # orExpr
  | primary                                                # primaryExpr
  ;
compareOp: EQEQ | NEQ | LT | LE | GT | GE | IN | CONTAINS | STARTS_WITH | ENDS_WITH;
primary
  : literal                                                # literalPrimary
  | list                                                   # listPrimary
  | name (DOT name)* (LPAREN (expr (COMMA expr)*)? RPAREN)? # pathPrimary
  | LPAREN expr RPAREN                                     # parenPrimary
  ;
list: LBRACK (listElem (COMMA listElem)* COMMA?)? RBRACK;
listElem: literal | name;
literal
  : STRING | INT | FLOAT | DURATION | SIZE | RATE_LIT | PERCENT | IPV4 | CIDR | ADDRESS
  | REGEX | KW_TRUE | KW_FALSE
  ;

// Every keyword is also a plain name where a name is expected (a route may be called `upload`,
// a claim `key`, and `request.method` starts with a keyword).
name
  : IDENT | INCLUDE | GATEWAY | UPSTREAM | AUTH | LIMIT | POLICY | ROUTE | TEST | LISTEN | TLS
  | CERT | KEY | CLIENT_CA | CLIENT_AUTH | ADMIN | REDIS | STRIP_HEADERS | TRUSTED_PROXIES
  | ACCESS_LOG | THREADS | SERVER | WEIGHT | BACKUP | BALANCE | HEALTH | EVERY | TIMEOUT
  | CONNECT_TIMEOUT | IDLE_TIMEOUT | HEALTHY | UNHEALTHY | BREAKER | FAILURES | OPEN
  | CLOSE_AFTER | PROBES | RETRY | ON | BACKOFF | JITTER | BUDGET | BUFFER | CA | SNI
  | HANDSHAKE_TIMEOUT | ISSUER | AUDIENCE
  | JWKS | FILE | URL | ENV | REFRESH | ALGORITHMS | HMAC_SECRET | PUBLIC_KEY | LEEWAY | CACHE
  | HEADER | QUERY | KEYS | ENDPOINT | CLIENT | SECRET | ROLES_CLAIM | RATE | BURST | STORE
  | WARN | ON_STORE_ERROR | ALLOW | DENY | WHEN | ROLES | SCOPES | MATCH | HOST | PATH | EXACT
  | PREFIX | METHOD | PRESENT | ABSENT | AUTHENTICATE | OPTIONAL | AUTHORIZE | REQUEST
  | RESPONSE | SET | REMOVE | REWRITE | BODY | JSON | RENAME | COMPRESS | MIN | FORWARD | BY
  | AGGREGATE | MAX_BODY | RETRY_METHODS | EXPECT | STATUS | JWT | CLAIMS | IP | API_KEY | NO_ROUTE
  ;
