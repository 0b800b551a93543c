// The lexer of the .gw policy language. Keywords are reserved only where the parser expects
// them: GwParser's `name` rule accepts every keyword as an identifier too.
lexer grammar GwLexer;

INCLUDE: 'include'; GATEWAY: 'gateway'; UPSTREAM: 'upstream'; AUTH: 'auth'; LIMIT: 'limit';
POLICY: 'policy'; ROUTE: 'route'; TEST: 'test';
LISTEN: 'listen'; TLS: 'tls'; CERT: 'cert'; KEY: 'key'; CLIENT_CA: 'client_ca';
CLIENT_AUTH: 'client_auth'; ADMIN: 'admin'; REDIS: 'redis'; STRIP_HEADERS: 'strip_headers';
TRUSTED_PROXIES: 'trusted_proxies'; ACCESS_LOG: 'access_log'; THREADS: 'threads';
SERVER: 'server'; WEIGHT: 'weight'; BACKUP: 'backup'; BALANCE: 'balance'; HEALTH: 'health';
EVERY: 'every'; TIMEOUT: 'timeout'; CONNECT_TIMEOUT: 'connect_timeout';
IDLE_TIMEOUT: 'idle_timeout'; HEALTHY: 'healthy'; UNHEALTHY: 'unhealthy'; BREAKER: 'breaker';
FAILURES: 'failures'; OPEN: 'open'; CLOSE_AFTER: 'close_after'; PROBES: 'probes';
RETRY: 'retry'; ON: 'on'; BACKOFF: 'backoff'; JITTER: 'jitter'; BUDGET: 'budget'; CA: 'ca';
BUFFER: 'buffer'; HANDSHAKE_TIMEOUT: 'handshake_timeout'; RETRY_METHODS: 'retry_methods';
SNI: 'sni'; ISSUER: 'issuer'; AUDIENCE: 'audience'; JWKS: 'jwks'; FILE: 'file'; URL: 'url';
ENV: 'env'; REFRESH: 'refresh'; ALGORITHMS: 'algorithms'; HMAC_SECRET: 'hmac_secret';
PUBLIC_KEY: 'public_key'; LEEWAY: 'leeway'; CACHE: 'cache'; HEADER: 'header'; QUERY: 'query';
KEYS: 'keys'; ENDPOINT: 'endpoint'; CLIENT: 'client'; SECRET: 'secret';
ROLES_CLAIM: 'roles_claim'; RATE: 'rate'; BURST: 'burst'; STORE: 'store'; WARN: 'warn';
ON_STORE_ERROR: 'on_store_error'; ALLOW: 'allow'; DENY: 'deny'; WHEN: 'when';
ROLES: 'roles'; SCOPES: 'scopes'; MATCH: 'match'; HOST: 'host'; PATH: 'path'; EXACT: 'exact';
PREFIX: 'prefix'; METHOD: 'method'; PRESENT: 'present'; ABSENT: 'absent';
AUTHENTICATE: 'authenticate'; OPTIONAL: 'optional'; AUTHORIZE: 'authorize';
REQUEST: 'request'; RESPONSE: 'response'; SET: 'set'; REMOVE: 'remove'; REWRITE: 'rewrite';
BODY: 'body'; JSON: 'json'; RENAME: 'rename'; COMPRESS: 'compress'; MIN: 'min';
FORWARD: 'forward'; BY: 'by'; AGGREGATE: 'aggregate'; MAX_BODY: 'max_body'; EXPECT: 'expect';
STATUS: 'status'; JWT: 'jwt'; CLAIMS: 'claims'; IP: 'ip'; API_KEY: 'api_key';
NO_ROUTE: 'no_route';
OR: 'or'; AND: 'and'; NOT: 'not'; IN: 'in'; CONTAINS: 'contains'; STARTS_WITH: 'starts_with';
ENDS_WITH: 'ends_with'; MATCHES: 'matches'; KW_TRUE: 'true'; KW_FALSE: 'false'; KW_NULL: 'null';

// Typed literals. Longest match makes `100/s` a rate, `10.0.0.0/8` a CIDR and `30s` a duration.
CIDR: IPV4_FRAG '/' DIGITS;
ADDRESS: (IPV4_FRAG | 'localhost') ':' DIGITS;
IPV4: IPV4_FRAG;
RATE_LIT: DIGITS '/' DIGITS? TIME_UNIT;
DURATION: DIGITS ('.' DIGITS)? TIME_UNIT;
SIZE: DIGITS ('.' DIGITS)? SIZE_UNIT;
PERCENT: DIGITS ('.' DIGITS)? '%';
FLOAT: DIGITS '.' DIGITS;
INT: DIGITS;
STRING: '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';
// A string missing its closing quote; the parser reports it as such instead of a stray `"`.
UNTERMINATED_STRING: '"' (~["\\\r\n] | '\\' ~[\r\n])*;
REGEX: '/' (~[/\\\r\n] | '\\' ~[\r\n])+ '/' [a-z]*;
IDENT: [a-zA-Z_] [a-zA-Z0-9_-]*;

LBRACE: '{'; RBRACE: '}'; LBRACK: '['; RBRACK: ']'; LPAREN: '('; RPAREN: ')';
COMMA: ','; SEMI: ';'; COLON: ':'; DOTDOT: '..'; DOT: '.'; ARROW: '=>'; EQEQ: '=='; NEQ: '!=';
LE: '<='; GE: '>='; LT: '<'; GT: '>'; ASSIGN: '=';

COMMENT: '#' ~[\r\n]* -> channel(HIDDEN);
WS: [ \t\r\n]+ -> channel(HIDDEN);
// Anything else is one bad character; the parser reports it with its position.
UNKNOWN_CHAR: .;

fragment DIGITS: [0-9]+;
fragment IPV4_FRAG: DIGITS '.' DIGITS '.' DIGITS '.' DIGITS;
fragment TIME_UNIT: 'ms' | 'us' | 's' | 'm' | 'h' | 'd';
fragment SIZE_UNIT: 'b' | 'kb' | 'mb' | 'gb' | 'kib' | 'mib' | 'gib' | 'KB' | 'MB' | 'GB';
