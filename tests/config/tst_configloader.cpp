#include "config/configloader.h"

#include "support/testutil.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>

// End-to-end rows for the CLI test (`healthdeck check --config FILE` prints each
// error's toString() on stderr, one per line, and exits 2). The fixtures are in
// tests/data/config/ and written for healthdeck (not taken from /work/shared):
//   bad-unknown-key.yaml -> "<path>:6:9: unknown key 'intervl' in a check; did you mean 'interval'?"
//   bad-two-probes.yaml  -> "<path>:6:9: a check needs exactly one probe: http, redis, tcp, file, exec or prometheus;
//   found http and tcp" bad-cycle.yaml       -> "<path>:6:18: dependency cycle: a -> b -> a" bad-syntax.yaml      ->
//   "<path>:4:4: YAML syntax error: illegal block entry (the line is indented with a tab; YAML needs spaces)" missing
//   file ->
//   "<path>:1:1: cannot read the config file: it does not exist"
// where <path> is the --config argument exactly as given.

using namespace Qt::StringLiterals;

namespace {

QByteArray lines(std::initializer_list<const char*> text)
{
    QByteArray out;
    for (const char* line : text)
        out += QByteArray(line) + '\n';
    return out;
}

QProcessEnvironment testEnv()
{
    QProcessEnvironment env;
    env.insert(u"REDIS_USER"_s, u"monitor"_s);
    env.insert(u"REDIS_PASSWORD"_s, u"redis-secret"_s);
    env.insert(u"API_TOKEN"_s, u"api-token"_s);
    env.insert(u"ADMIN_USER"_s, u"admin"_s);
    env.insert(u"ADMIN_PASS"_s, u"admin-secret"_s);
    return env;
}

hd::ConfigLoadResult load(const QByteArray& yaml, const QString& label = u"/etc/healthdeck/hd.yaml"_s,
    const QProcessEnvironment& env = testEnv())
{
    return hd::loadConfigString(yaml, label, env);
}

// The config, or a failure message listing every error.
#define REQUIRE_LOADED(result)                                                                                         \
    do {                                                                                                               \
        if (!(result).config)                                                                                          \
            QFAIL(qPrintable(u"config did not load:\n"_s + (result).errorText()));                                     \
    } while (false)

const QByteArray kOneCheck = lines({
    "services:",
    "  - name: api",
    "    checks:",
    "      - name: live",
    "        http: { url: \"http://127.0.0.1:1/health\" }",
});

} // namespace

class TestConfigLoader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void badConfig_data();
    void badConfig();
    void collectsEveryError();
    void neverThrowsOnGarbage_data();
    void neverThrowsOnGarbage();
    void fileErrors();
    void notUtf8IsLocated_data();
    void notUtf8IsLocated();
    void errorsAreCapped();
    void largeConfig();
    void literalSecretInReadableFile();
    void fileFixtures_data();
    void fileFixtures();

    void specExampleAsWritten();
    void specExample();
    void envExpansion();
    void unsetVariableWarning();
    void durations_data();
    void durations();
    void defaultsInheritance();
    void defaultsOrderIndependent();
    void relativePaths();
    void loadFileSetsAbsolutePath();
    void calendars();
    void redisServers();
    void redisProbeModes();
    void conditionsKeepLocation();
    void admin();
    void maintenance();
    void history();
    void mergeKeys();
    void alertmanagerSource();
};

void TestConfigLoader::badConfig_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // the first error; a trailing "..." compares a prefix
    QTest::addColumn<int>("count"); // how many errors in all

    QTest::newRow("syntax-unclosed-flow-list")
        << lines({ "version: 1", "services: [a, b", "history: {}" })
        << u"bad.yaml:3:8: YAML syntax error: end of sequence flow not found"_s << 1;
    QTest::newRow("syntax-tab-indentation")
        << lines({ "services:", "\t- name: api" })
        << u"bad.yaml:2:2: YAML syntax error: illegal block entry (the line is indented with a tab; YAML needs spaces)"_s
        << 1;
    QTest::newRow("two-documents") << lines({ "version: 1", "---", "version: 1" })
                                   << u"bad.yaml:3:1: a config file holds one YAML document; found a second one"_s << 1;
    // Found by fuzz_config: yaml-cpp 0.7, the YAML library before libyaml, looped for ever on these in LoadAll().
    QTest::newRow("stray-comma") << QByteArray(",") << u"bad.yaml:1:1: YAML syntax error: unexpected ','"_s << 1;
    QTest::newRow("stray-comma-after-a-flow-list")
        << lines({ "[a]", "," }) << u"bad.yaml:2:1: YAML syntax error: unexpected ','"_s << 1;
    QTest::newRow("unclosed-quote") << lines({ "version: 1", "services: \"api" })
                                    << u"bad.yaml:2:11: YAML syntax error: the quoted text is never closed"_s << 1;
    QTest::newRow("undefined-alias") << lines({ "services: *api" })
                                     << u"bad.yaml:1:11: YAML syntax error: the referenced anchor is not defined"_s
                                     << 1;
    QTest::newRow("empty-file") << QByteArray() << u"bad.yaml:1:1: the config file is empty"_s << 1;
    QTest::newRow("only-comments") << lines({ "# nothing yet" }) << u"bad.yaml:1:1: the config file is empty"_s << 1;
    QTest::newRow("top-level-list") << lines({ "- a", "- b" })
                                    << u"bad.yaml:1:1: expected a map for the top level, found a list"_s << 1;
    QTest::newRow("unsupported-version") << lines({ "version: 2" })
                                         << u"bad.yaml:1:10: unsupported version 2: this healthdeck reads version 1"_s
                                         << 1;

    QTest::newRow("unknown-top-level-key")
        << lines({ "service:", "  - name: api" })
        << u"bad.yaml:1:1: unknown key 'service' in the top level; did you mean 'services'?"_s << 1;
    QTest::newRow("unknown-key-typo") << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
        "        intervl: 5s", "        http: { url: \"http://127.0.0.1:1/\" }" })
                                      << u"bad.yaml:5:9: unknown key 'intervl' in a check; did you mean 'interval'?"_s
                                      << 1;
    QTest::newRow("unknown-key-prefix")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live", "        fail: 2",
               "        http: { url: \"http://127.0.0.1:1/\" }" })
        << u"bad.yaml:5:9: unknown key 'fail' in a check; did you mean 'failure_threshold'?"_s << 1;
    QTest::newRow("unknown-key-no-guess")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live", "        colour: red",
               "        http: { url: \"http://127.0.0.1:1/\" }" })
        << u"bad.yaml:5:9: unknown key 'colour' in a check; expected one of: name, tags, interval, timeout, ..."_s << 1;
    QTest::newRow("unknown-key-in-flow-map")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
               "        http: { url: \"http://127.0.0.1:1/\", metod: POST }" })
        << u"bad.yaml:5:45: unknown key 'metod' in 'http'; did you mean 'method'?"_s << 1;
    QTest::newRow("columns-count-characters")
        << lines({ "services:", "  - name: api",
               "    checks:", "      - { name: \"n\u00e9\", intervl: 5s, tcp: { host: h, port: 1 } }" })
        << u"bad.yaml:4:23: unknown key 'intervl' in a check; did you mean 'interval'?"_s << 1;
    QTest::newRow("duplicate-key") << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
        "        interval: 5s", "        interval: 10s", "        http: { url: \"http://127.0.0.1:1/\" }" })
                                   << u"bad.yaml:6:9: duplicate key 'interval' (first at line 5)"_s << 1;

    QTest::newRow("services-is-a-map") << lines({ "services: { api: {} }" })
                                       << u"bad.yaml:1:11: 'services' must be a list (- name: ...), found a map"_s << 1;
    QTest::newRow("checks-is-a-map") << lines({ "services:", "  - name: api", "    checks: { name: live }" })
                                     << u"bad.yaml:3:13: 'checks' must be a list (- name: ...), found a map"_s << 1;
    QTest::newRow("list-where-map-expected") << lines({ "services:", "  - name: api",
        "    checks:", "      - name: live", "        http: [\"http://127.0.0.1:1/\"]" })
                                             << u"bad.yaml:5:15: expected a map for 'http', found a list"_s << 1;
    QTest::newRow("threshold-is-a-word") << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
        "        failure_threshold: ten", "        tcp: { host: h, port: 1 }" })
                                         << u"bad.yaml:5:28: 'failure_threshold' must be a whole number, found 'ten'"_s
                                         << 1;
    QTest::newRow("threshold-zero") << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
        "        success_threshold: 0", "        tcp: { host: h, port: 1 }" })
                                    << u"bad.yaml:5:28: 'success_threshold' must be at least 1, found 0"_s << 1;
    QTest::newRow("defaults-threshold-zero")
        << lines({ "defaults:", "  failure_threshold: 0" })
        << u"bad.yaml:2:22: 'failure_threshold' must be at least 1, found 0"_s << 1;
    QTest::newRow("bool-is-a-word") << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
        "        file: { path: /tmp, writable: maybe }" })
                                    << u"bad.yaml:5:39: 'writable' must be true or false, found 'maybe'"_s << 1;

    QTest::newRow("missing-http-url") << lines(
        { "services:", "  - name: api", "    checks:", "      - name: live", "        http: { method: GET }" })
                                      << u"bad.yaml:5:9: an http check needs a url"_s << 1;
    QTest::newRow("http-url-empty-after-expansion") << lines({ "services:", "  - name: api",
        "    checks:", "      - name: live", "        http: { url: \"${NO_SUCH_URL}\" }" })
                                                    << u"bad.yaml:5:22: an http check needs a url"_s << 1;
    QTest::newRow("http-url-wrong-scheme")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
               "        http: { url: \"ftp://host/x\" }" })
        << u"bad.yaml:5:22: bad url 'ftp://host/x': use http:// or https:// and a host"_s << 1;
    QTest::newRow("env-unterminated") << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
        "        http: { url: \"http://${HOST/x\" }" })
                                      << u"bad.yaml:5:30: unterminated '${' (write '$${' for a literal '${')"_s << 1;
    QTest::newRow("no-probe")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live", "        interval: 5s" })
        << u"bad.yaml:4:9: a check needs exactly one probe: http, redis, tcp, file, exec or prometheus; found none"_s
        << 1;
    QTest::newRow("two-probes")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
               "        http: { url: \"http://127.0.0.1:1/\" }", "        tcp: { host: 127.0.0.1, port: 1 }" })
        << u"bad.yaml:6:9: a check needs exactly one probe: http, redis, tcp, file, exec or prometheus; found http and tcp"_s
        << 1;
    QTest::newRow("check-without-name") << lines(
        { "services:", "  - name: api", "    checks:", "      - tcp: { host: h, port: 1 }" })
                                        << u"bad.yaml:4:9: a check needs a name"_s << 1;
    QTest::newRow("name-with-slash") << lines(
        { "services:", "  - name: api", "    checks:", "      - name: a/b", "        tcp: { host: h, port: 1 }" })
                                     << u"bad.yaml:4:15: a check name 'a/b' must not contain '/'"_s << 1;
    QTest::newRow("service-without-checks")
        << lines({ "services:", "  - name: api" })
        << u"bad.yaml:2:5: service 'api' needs at least one check under 'checks'"_s << 1;
    QTest::newRow("source-without-url") << lines({ "sources:", "  - alertmanager: { name: am }" })
                                        << u"bad.yaml:2:5: an alertmanager source needs its url"_s << 1;
    QTest::newRow("source-bad-severity-status")
        << lines({ "sources:", "  - alertmanager:", "      name: am", "      url: http://127.0.0.1:9093",
               "      map: { severity: { critical: red } }" })
        << u"bad.yaml:5:36: bad status 'red' for severity 'critical': use ok, degraded, down, stale, unknown or starting"_s
        << 1;
    QTest::newRow("source-name-taken")
        << lines({ "services:", "  - { name: am, checks: [{ name: c, tcp: { host: h, port: 1 } }] }",
               "sources:", "  - alertmanager: { name: am, url: \"http://127.0.0.1:9093\" }" })
        << u"bad.yaml:4:27: the source 'am' takes a name a service or another source already has"_s << 1;
    QTest::newRow("service-with-empty-checks")
        << lines({ "services:", "  - name: api", "    checks: []" })
        << u"bad.yaml:3:5: service 'api' needs at least one check under 'checks'"_s << 1;

    const auto twoServices = [](const char* dependency) {
        return lines({ "services:", "  - name: database",
            "    checks:", "      - { name: port, tcp: { host: 127.0.0.1, port: 5432 } }", "  - name: api", dependency,
            "    checks:", "      - { name: port, tcp: { host: 127.0.0.1, port: 5001 } }" });
    };
    QTest::newRow("unknown-dependency-typo")
        << twoServices("    depends_on: [databse]")
        << u"bad.yaml:6:18: unknown dependency 'databse'; did you mean 'database'?"_s << 1;
    QTest::newRow("unknown-dependency") << twoServices("    depends_on: [cache]")
                                        << u"bad.yaml:6:18: unknown dependency 'cache': no service has that name"_s
                                        << 1;
    QTest::newRow("dependency-cycle") << lines(
        { "services:", "  - name: a", "    depends_on: [b]", "    checks: [{ name: c, tcp: { host: h, port: 1 } }]",
            "  - name: b", "    depends_on: [a]", "    checks: [{ name: c, tcp: { host: h, port: 1 } }]" })
                                      << u"bad.yaml:6:18: dependency cycle: a -> b -> a"_s << 1;
    QTest::newRow("dependency-cycle-behind-a-tail")
        << lines({ "services:", "  - { name: x, depends_on: [a], checks: [{ name: c, tcp: { host: h, port: 1 } }] }",
               "  - { name: a, depends_on: [b], checks: [{ name: c, tcp: { host: h, port: 1 } }] }",
               "  - { name: b, depends_on: [c], checks: [{ name: c, tcp: { host: h, port: 1 } }] }",
               "  - { name: c, depends_on: [a], checks: [{ name: c, tcp: { host: h, port: 1 } }] }" })
        << u"bad.yaml:5:29: dependency cycle: a -> b -> c -> a"_s << 1;
    QTest::newRow("self-dependency") << lines(
        { "services:", "  - name: a", "    depends_on: [a]", "    checks: [{ name: c, tcp: { host: h, port: 1 } }]" })
                                     << u"bad.yaml:3:18: dependency cycle: a -> a"_s << 1;
    QTest::newRow("duplicate-service") << lines(
        { "services:", "  - name: api", "    checks: [{ name: c, tcp: { host: h, port: 1 } }]", "  - name: api",
            "    checks: [{ name: c, tcp: { host: h, port: 1 } }]" })
                                       << u"bad.yaml:4:11: duplicate service 'api' (first at line 2)"_s << 1;
    QTest::newRow("duplicate-check") << lines({ "services:", "  - name: api", "    checks:",
        "      - { name: c, tcp: { host: h, port: 1 } }", "      - { name: c, tcp: { host: h, port: 2 } }" })
                                     << u"bad.yaml:5:17: duplicate check 'c' in service 'api' (first at line 4)"_s << 1;
    QTest::newRow("duplicate-redis-server") << lines(
        { "redis:", "  main: { url: \"redis://127.0.0.1:6379/0\" }", "  main: { url: \"redis://127.0.0.1:6380/0\" }" })
                                            << u"bad.yaml:3:3: duplicate redis server 'main' (first at line 2)"_s << 1;
    QTest::newRow("duplicate-calendar") << lines(
        { "calendars:", "  nse: { timezone: Asia/Kolkata, sessions: [\"Mon-Fri 09:15-15:30\"] }",
            "  nse: { timezone: Asia/Kolkata, sessions: [\"Mon-Fri 09:15-15:30\"] }" })
                                        << u"bad.yaml:3:3: duplicate calendar 'nse' (first at line 2)"_s << 1;

    const auto checkWith = [](const char* line) {
        return lines({ "services:", "  - name: api", "    checks:", "      - name: live", line,
            "        tcp: { host: h, port: 1 }" });
    };
    QTest::newRow("bad-duration") << checkWith("        interval: 10 sec")
                                  << u"bad.yaml:5:19: bad duration '10 sec': use 250ms, 10s, 5m or 1h"_s << 1;
    QTest::newRow("duration-without-unit")
        << checkWith("        timeout: 10") << u"bad.yaml:5:18: bad duration '10': use 250ms, 10s, 5m or 1h"_s << 1;
    QTest::newRow("timeout-zero") << checkWith("        timeout: 0s")
                                  << u"bad.yaml:5:18: 'timeout' must be greater than 0"_s << 1;
    QTest::newRow("duration-needs-value")
        << checkWith("        interval:") << u"bad.yaml:5:9: 'interval' needs a value"_s << 1;
    QTest::newRow("unknown-severity") << checkWith("        severity: critcal")
                                      << u"bad.yaml:5:19: unknown severity 'critcal': use critical or warning"_s << 1;
    QTest::newRow("bad-max-body")
        << lines({ "defaults:", "  max_body: 4 parsecs" })
        << u"bad.yaml:2:13: bad size '4 parsecs' for 'max_body': use a byte count or a size such as 512KB, 4MB or 1MiB"_s
        << 1;
    QTest::newRow("tcp-port-out-of-range") << lines(
        { "services:", "  - name: api", "    checks:", "      - name: live", "        tcp: { host: h, port: 70000 }" })
                                           << u"bad.yaml:5:31: 'port' must be between 1 and 65535, found 70000"_s << 1;
    QTest::newRow("tcp-without-port") << lines(
        { "services:", "  - name: api", "    checks:", "      - name: live", "        tcp: { host: h }" })
                                      << u"bad.yaml:5:9: a tcp check needs a port"_s << 1;
    QTest::newRow("file-without-path") << lines(
        { "services:", "  - name: api", "    checks:", "      - name: live", "        file: { writable: true }" })
                                       << u"bad.yaml:5:9: a file check needs a path"_s << 1;
    QTest::newRow("exec-command-is-a-string")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
               "        exec: { command: \"python3 check.py\" }" })
        << u"bad.yaml:5:26: 'command' must be a list of arguments such as [\"python3\", \"check.py\"]; it runs without a shell"_s
        << 1;
    QTest::newRow("exec-command-empty")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live", "        exec: { command: [] }" })
        << u"bad.yaml:5:26: 'command' needs a program such as [\"python3\", \"check.py\"]; it runs without a shell"_s
        << 1;
    QTest::newRow("condition-map-typo") << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
        "        tcp: { host: h, port: 1 }", "        conditions:", "          - wran: \"[CONNECTED] == true\"" })
                                        << u"bad.yaml:7:13: unknown key 'wran' in a condition; did you mean 'warn'?"_s
                                        << 1;
    QTest::newRow("condition-is-a-list")
        << lines({ "services:", "  - name: api", "    checks:", "      - name: live",
               "        tcp: { host: h, port: 1 }", "        conditions: [[a]]" })
        << u"bad.yaml:6:22: a condition must be a string or { warn: \"...\" }, found a list"_s << 1;

    const auto redisCheck = [](const char* probe) {
        return lines({ "redis:", "  main: { url: \"redis://127.0.0.1:6379/0\" }", "services:", "  - name: ingestion",
            "    checks:", "      - name: heartbeat", probe });
    };
    QTest::newRow("redis-unknown-server") << redisCheck("        redis: { server: mian, key: \"health:ingestion\" }")
                                          << u"bad.yaml:7:26: unknown redis server 'mian'; did you mean 'main'?"_s << 1;
    QTest::newRow("redis-two-modes")
        << redisCheck("        redis: { server: main, key: a, pattern: \"b*\" }")
        << u"bad.yaml:7:40: a redis check takes one of key, hash, stream, pattern or ping; found key and pattern"_s
        << 1;
    QTest::newRow("redis-no-mode")
        << redisCheck("        redis: { server: main }")
        << u"bad.yaml:7:9: a redis check needs one of key, hash, stream, pattern or ping: true"_s << 1;
    QTest::newRow("redis-without-server")
        << redisCheck("        redis: { key: a }") << u"bad.yaml:7:9: a redis check needs a server: main"_s << 1;
    QTest::newRow("redis-ping-false") << redisCheck("        redis: { server: main, ping: false }")
                                      << u"bad.yaml:7:38: 'ping' can only be true; to check a key write key: NAME"_s
                                      << 1;
    QTest::newRow("bad-redis-url")
        << lines({ "redis:", "  main: { url: \"http://127.0.0.1:6379\" }" })
        << u"bad.yaml:2:16: bad redis url 'http://127.0.0.1:6379': use redis://host:port/db, or rediss:// for TLS"_s
        << 1;
    QTest::newRow("bad-redis-db")
        << lines({ "redis:", "  main: { url: \"redis://127.0.0.1/zero\" }" })
        << u"bad.yaml:2:16: bad redis url 'redis://127.0.0.1/zero': use redis://host:port/db, or rediss:// for TLS"_s
        << 1;
    QTest::newRow("redis-without-url")
        << lines({ "redis:", "  main: { username: u }" })
        << u"bad.yaml:2:3: redis server 'main' needs a url such as redis://127.0.0.1:6379/0"_s << 1;

    const auto calendar = [](const char* timezone, const char* sessions, const char* holidays) {
        return lines({ "calendars:", "  nse:", timezone, sessions, holidays });
    };
    QTest::newRow("unknown-timezone") << calendar("    timezone: Asia/Kolkatta",
        "    sessions: [\"Mon-Fri 09:15-15:30\"]",
        "    holidays: []") << u"bad.yaml:3:15: unknown timezone 'Asia/Kolkatta'; did you mean 'Asia/Kolkata'?"_s
                                      << 1;
    QTest::newRow("bad-session")
        << calendar("    timezone: Asia/Kolkata", "    sessions: [\"Mon-Fri 9:15\"]", "    holidays: []")
        << u"bad.yaml:4:16: bad time range '9:15' in session 'Mon-Fri 9:15': use HH:MM-HH:MM such as 09:15-15:30"_s
        << 1;
    QTest::newRow("bad-session-day")
        << calendar("    timezone: Asia/Kolkata", "    sessions: [\"Mon-Fri 09:15-15:30\", \"Sund 10:00-11:00\"]",
               "    holidays: []")
        << u"bad.yaml:4:39: bad day 'Sund' in session 'Sund 10:00-11:00': use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ..."_s
        << 1;
    QTest::newRow("bad-holiday") << calendar("    timezone: Asia/Kolkata", "    sessions: [\"Mon-Fri 09:15-15:30\"]",
        "    holidays: [\"2026-01-26\", 2026-02-30]")
                                 << u"bad.yaml:5:30: bad holiday date '2026-02-30': use YYYY-MM-DD"_s << 1;
    QTest::newRow("calendar-without-timezone")
        << lines({ "calendars:", "  nse: { sessions: [\"Mon-Fri 09:15-15:30\"] }" })
        << u"bad.yaml:2:3: calendar 'nse' needs a timezone such as Asia/Kolkata"_s << 1;
    QTest::newRow("unknown-calendar") << lines({ "calendars:",
        "  nse: { timezone: Asia/Kolkata, sessions: [\"Mon-Fri 09:15-15:30\"] }", "services:", "  - name: api",
        "    checks:", "      - name: live", "        active: nsee", "        tcp: { host: h, port: 1 }" })
                                      << u"bad.yaml:7:17: unknown calendar 'nsee'; did you mean 'nse'?"_s << 1;

    const auto withAdmin = [](std::initializer_list<const char*> admin) {
        QByteArray yaml = kOneCheck;
        for (const char* line : admin)
            yaml += QByteArray(line) + '\n';
        return yaml;
    };
    QTest::newRow("admin-unknown-preset")
        << withAdmin({ "admin:", "  api:", "    preset: trading" })
        << u"bad.yaml:8:13: unknown preset 'trading'; did you mean 'trading-system'?"_s << 1;
    QTest::newRow("admin-unknown-service")
        << withAdmin({ "admin:", "  apii:", "    preset: trading-system" })
        << u"bad.yaml:7:3: admin entry 'apii' is not a service under services: and has no base_url; did you mean 'api'?"_s
        << 1;
    QTest::newRow("admin-two-auth-methods")
        << withAdmin({ "admin:", "  api:", "    auth: { bearer: t, basic: { username: u, password: p } }" })
        << u"bad.yaml:8:24: 'auth' takes one of login, bearer or basic; found bearer and basic"_s << 1;
    QTest::newRow("admin-duplicate-action")
        << withAdmin({ "admin:", "  api:", "    actions:", "      - { name: stats, path: /a }",
               "      - { name: stats, path: /b }" })
        << u"bad.yaml:10:17: duplicate action 'stats' (first at line 9)"_s << 1;
    QTest::newRow("admin-read-only-not-bool")
        << withAdmin({ "admin:", "  read_only: sure" })
        << u"bad.yaml:7:14: 'read_only' must be true or false, found 'sure'"_s << 1;

    QTest::newRow("maintenance-unknown-service")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    services: [apii]", "    weekly: \"Sat 22:00-23:30\"" })
        << u"bad.yaml:8:16: unknown service 'apii'; did you mean 'api'?"_s << 1;
    QTest::newRow("maintenance-end-before-start") << withAdmin({ "maintenance:", "  - name: upgrade",
        "    services: [api]", "    start: 2026-11-22T22:00:00Z", "    end: 2026-11-22T21:00:00Z" })
                                                  << u"bad.yaml:10:10: 'end' must be after 'start'"_s << 1;
    QTest::newRow("maintenance-once-and-weekly")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    services: [api]", "    start: 2026-11-22T22:00:00Z",
               "    end: 2026-11-22T23:00:00Z", "    weekly: \"Sat 22:00-23:30\"" })
        << u"bad.yaml:11:5: a maintenance window is either once (start, end) or weekly, not both"_s << 1;
    QTest::newRow("maintenance-bad-weekly")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    services: [api]", "    weekly: \"Sat 22:00\"" })
        << u"bad.yaml:9:13: bad time range '22:00' in session 'Sat 22:00': use HH:MM-HH:MM such as 09:15-15:30"_s << 1;
    QTest::newRow("maintenance-unknown-group")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    groups: [core]", "    weekly: \"Sat 22:00-23:00\"" })
        << u"bad.yaml:8:14: unknown group 'core': nothing in services: has that group"_s << 1;
    QTest::newRow("maintenance-unknown-tag")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    tags: [livenes]", "    weekly: \"Sat 22:00-23:00\"" })
        << u"bad.yaml:8:12: unknown tag 'livenes': nothing in services: has that tag"_s << 1;
    QTest::newRow("maintenance-bad-datetime")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    services: [api]", "    start: tomorrow",
               "    end: 2026-11-22T21:00:00Z" })
        << u"bad.yaml:9:12: bad date-time 'tomorrow': use ISO 8601 such as 2026-11-22T22:00:00+01:00"_s << 1;
    QTest::newRow("maintenance-without-end")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    services: [api]", "    start: 2026-11-22T21:00:00Z" })
        << u"bad.yaml:9:5: a maintenance window needs start and end (ISO date-times), or weekly: \"Sat 22:00-23:30\""_s
        << 1;
    QTest::newRow("maintenance-without-target")
        << withAdmin({ "maintenance:", "  - name: upgrade", "    weekly: \"Sat 22:00-23:30\"" })
        << u"bad.yaml:7:5: a maintenance window needs services, groups or tags"_s << 1;
    QTest::newRow("history-bad-duration") << lines({ "history:", "  retention:", "    raw_samples: 2 days" })
                                          << u"bad.yaml:3:18: bad duration '2 days': use 250ms, 10s, 5m or 1h"_s << 1;
    QTest::newRow("history-unknown-key") << lines({ "history:", "  retention:",
        "    samples: 2d" }) << u"bad.yaml:3:5: unknown key 'samples' in 'retention'; did you mean 'raw_samples'?"_s
                                         << 1;
}

void TestConfigLoader::badConfig()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    QFETCH(int, count);
    const hd::ConfigLoadResult result = load(yaml, u"bad.yaml"_s);
    QVERIFY2(!result.config, "a bad config must not produce a Config");
    QVERIFY(!result.errors.isEmpty());
    const QString first = result.errors.first().toString();
    if (expected.endsWith(u"..."))
        QVERIFY2(first.startsWith(expected.chopped(3)), qPrintable(first));
    else
        QCOMPARE(first, expected);
    QVERIFY2(result.errors.size() == count, qPrintable(result.errorText()));
}

void TestConfigLoader::collectsEveryError()
{
    const QByteArray yaml = lines({
        "defaults:",
        "  interval: 10 sec",
        "services:",
        "  - name: api",
        "    depends_on: [db]",
        "    checks:",
        "      - name: live",
        "        severity: fatal",
        "        http: { url: \"http://127.0.0.1:1/\" }",
        "        tcp: { host: h, port: 1 }",
        "      - name: ready",
        "        http: {}",
    });
    const hd::ConfigLoadResult result = load(yaml, u"many.yaml"_s);
    const QStringList expected = {
        u"many.yaml:2:13: bad duration '10 sec': use 250ms, 10s, 5m or 1h"_s,
        u"many.yaml:5:18: unknown dependency 'db': no service has that name"_s,
        u"many.yaml:8:19: unknown severity 'fatal': use critical or warning"_s,
        u"many.yaml:10:9: a check needs exactly one probe: http, redis, tcp, file, exec or prometheus; found http and tcp"_s,
        u"many.yaml:12:9: an http check needs a url"_s,
    };
    QCOMPARE(result.errorText(), expected.join(u'\n'));
}

void TestConfigLoader::neverThrowsOnGarbage_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x01garbage\x7f", 12);
    QTest::newRow("unknown-alias") << lines({ "services: *nowhere" });
    QTest::newRow("recursive-anchor-in-body") << lines({ "services:", "  - name: api",
        "    checks: [{ name: c, tcp: { host: h, port: 1 } }]", "admin:", "  api:", "    actions:", "      - name: a",
        "        path: /x", "        body: &b [1, [2, [3]]]" });
    QTest::newRow("self-referencing-alias-in-body")
        << lines({ "services:", "  - name: api", "    checks: [{ name: c, tcp: { host: h, port: 1 } }]",
               "admin:", "  api:", "    actions:", "      - name: a", "        path: /x", "        body: &b [1, *b]" });
    QTest::newRow("self-merging-map") << lines({ "defaults: &d", "  <<: *d", "  interval: 5s" });
    QTest::newRow("self-referencing-checks") << lines({ "services:", "  - name: api", "    checks: &c [*c]" });
    QTest::newRow("deep-nesting") << QByteArray(5000, '[') + QByteArray(5000, ']');
    QTest::newRow("complex-key") << lines({ "? [a, b]", ": 1" });
    QTest::newRow("scalar-top-level") << lines({ "just a string" });
    QTest::newRow("unterminated-quote") << lines({ "services: \"abc" });
    QTest::newRow("merge-of-a-scalar") << lines({ "defaults:", "  <<: 3" });
    QTest::newRow("null-everywhere") << lines(
        { "version:", "defaults:", "redis:", "calendars:", "services:", "admin:", "maintenance:", "history:" });
}

void TestConfigLoader::neverThrowsOnGarbage()
{
    QFETCH(QByteArray, yaml);
    hd::ConfigLoadResult result;
    try {
        result = load(yaml, u"garbage.yaml"_s);
    } catch (...) {
        QFAIL("the loader let an exception out");
    }
    // Whatever happened, every message is located in the file.
    for (const hd::ConfigError& e : std::as_const(result.errors)) {
        QCOMPARE(e.where.file, u"garbage.yaml"_s);
        QVERIFY(e.where.line >= 1);
        QVERIFY(e.where.column >= 1);
    }
}

void TestConfigLoader::fileErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(u"nope.yaml"_s);
    hd::ConfigLoadResult result = hd::loadConfigFile(missing);
    QVERIFY(!result.config);
    QCOMPARE(result.errorText(), QString(missing + u":1:1: cannot read the config file: it does not exist"));

    result = hd::loadConfigFile(dir.path());
    QCOMPARE(result.errorText(), QString(dir.path() + u":1:1: cannot read the config file: it is a directory"));
}

void TestConfigLoader::notUtf8IsLocated_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("message");
    // The issue's case: Latin-1 "é" then bytes that are in no encoding's text.
    QTest::newRow("latin1-in-name") << QByteArray("services:\n  - name: caf\xe9-\xff\xfe\n")
                                    << u"t.yaml:2:14: the config file is not UTF-8 text: byte 0xe9 here is not part "
                                       u"of a UTF-8 character (YAML files are Unicode; save it as UTF-8)"_s;
    QTest::newRow("after-valid-multibyte") << QByteArray("# \xc3\xa9t\xc3\xa9\nservices: [\x80]\n")
                                           << u"t.yaml:2:12: the config file is not UTF-8 text: byte 0x80 here is not "
                                              u"part of a UTF-8 character (YAML files are Unicode; save it as UTF-8)"_s;
    QTest::newRow("truncated-at-end") << QByteArray("version: 1\n# \xe2\x82")
                                      << u"t.yaml:2:3: the config file is not UTF-8 text: byte 0xe2 here is not part "
                                         u"of a UTF-8 character (YAML files are Unicode; save it as UTF-8)"_s;
    QTest::newRow("nul-byte") << QByteArray("version: 1\0\n", 12)
                              << u"t.yaml:1:11: the config file is not UTF-8 text: byte 0x00 here is not part of a "
                                 u"UTF-8 character (YAML files are Unicode; save it as UTF-8)"_s;
    QTest::newRow("bom-then-bad") << QByteArray("\xef\xbb\xbfversion: \xff\n")
                                  << u"t.yaml:1:11: the config file is not UTF-8 text: byte 0xff here is not part of "
                                     u"a UTF-8 character (YAML files are Unicode; save it as UTF-8)"_s;
}

void TestConfigLoader::notUtf8IsLocated()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, message);
    const hd::ConfigLoadResult result = load(yaml, u"t.yaml"_s);
    QVERIFY(!result.config);
    QCOMPARE(result.errorText(), message);
    // Valid UTF-8 with a BOM still loads.
    const hd::ConfigLoadResult bom = load("\xef\xbb\xbf" + kOneCheck, u"t.yaml"_s);
    REQUIRE_LOADED(bom);
}

void TestConfigLoader::errorsAreCapped()
{
    QByteArray yaml = "services:\n";
    for (int i = 0; i < 50; ++i)
        yaml += "  - name: api\n    checks: [{ name: live, tcp: { host: h, port: 1 } }]\n";
    const hd::ConfigLoadResult result = load(yaml, u"big.yaml"_s);
    QVERIFY(!result.config);
    QCOMPARE(result.errors.size(), 21);
    QVERIFY2(result.errors.at(0).toString().startsWith(u"big.yaml:4:11: duplicate service 'api'"),
        qPrintable(result.errors.at(0).toString()));
    QCOMPARE(result.errors.last().toString(), u"big.yaml: and 29 more errors"_s);
}

// A generated config of a few MB: every service loads, in order, with its place; with only 100 distinct names
// the duplicates are counted, not listed. No timing here: bench/config_load measures that.
void TestConfigLoader::largeConfig()
{
    constexpr int services = 10'000;
    const auto generate = [](bool repeatNames) {
        QByteArray yaml = "version: 1\nservices:\n";
        for (int i = 0; i < services; ++i) {
            const QByteArray n = QByteArray::number(repeatNames ? i % 100 : i);
            yaml += "  - name: svc-" + n
                + "\n    checks:\n      - name: live\n        http:\n          url: "
                  "\"http://127.0.0.1:8080/health/"
                + QByteArray::number(i)
                + "\"\n        conditions:\n"
                  "          - \"[STATUS] == 200\"\n      - { name: ready, tcp: { host: 127.0.0.1, port: 9000 } }\n";
        }
        return yaml;
    };
    const QByteArray yaml = generate(false);
    QVERIFY(yaml.size() > 2'000'000);
    const hd::ConfigLoadResult result = load(yaml, u"big.yaml"_s);
    REQUIRE_LOADED(result);
    QCOMPARE(result.config->services.size(), services);
    const hd::ServiceConfig& last = result.config->services.last();
    QCOMPARE(last.name, u"svc-9999"_s);
    QCOMPARE(last.where.toString(), u"big.yaml:%1:5"_s.arg(3 + 8 * (services - 1)));
    QCOMPARE(last.checks.size(), 2);
    QCOMPARE(last.checks[0].http.url.toString(), u"http://127.0.0.1:8080/health/9999"_s);
    QCOMPARE(last.checks[0].conditions.size(), 1);
    QCOMPARE(last.checks[1].kind, hd::ProbeKind::Tcp);

    const hd::ConfigLoadResult repeated = load(generate(true), u"big.yaml"_s);
    QVERIFY(!repeated.config);
    QCOMPARE(repeated.errors.size(), 21);
    QCOMPARE(repeated.errors.first().toString(), u"big.yaml:803:11: duplicate service 'svc-0' (first at line 3)"_s);
    QCOMPARE(repeated.errors.last().toString(), u"big.yaml: and %1 more errors"_s.arg(services - 100 - 20));
}

void TestConfigLoader::literalSecretInReadableFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray yaml = lines({
        "redis:",
        "  main: { url: \"redis://:hunter2@127.0.0.1:6379/0\" }",
        "  other: { url: \"redis://127.0.0.1:6379/0\", password: \"${REDIS_PASSWORD}\" }",
        "services:",
        "  - name: api",
        "    checks:",
        "      - name: live",
        "        http: { url: \"http://127.0.0.1:1/\", auth: { bearer: abc123 } }",
        "      - name: ready",
        "        http: { url: \"http://127.0.0.1:1/\", auth: { basic: { username: u, password: \"${API_TOKEN}\" } } }",
        "admin:",
        "  api:",
        "    base_url: \"http://127.0.0.1:1\"",
        "    auth: { login: { url: /login, username: admin, password: s3cret } }",
    });
    const QString path = dir.filePath(u"desk.yaml"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(yaml);
    f.close();

    QFile::setPermissions(
        path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    hd::ConfigLoadResult result = hd::loadConfigFile(path, testEnv());
    REQUIRE_LOADED(result);
    const QString warnings = result.warningText();
    QVERIFY2(warnings.contains(path + u":2:16: the password in the url is written into a file that others can read"),
        qPrintable(warnings));
    QVERIFY2(warnings.contains(path + u":8:61: the bearer is written into a file that others can read"),
        qPrintable(warnings));
    QVERIFY2(warnings.contains(path + u":14:62: the password is written into a file that others can read"),
        qPrintable(warnings));
    QVERIFY2(warnings.contains(u"chmod 600 " + path), qPrintable(warnings));
    QCOMPARE(warnings.count(u"others can read"), 3); // ${VAR} secrets are not literal

    // Readable only by its owner: a literal secret there is the user's choice.
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    result = hd::loadConfigFile(path, testEnv());
    REQUIRE_LOADED(result);
    QVERIFY2(!result.warningText().contains(u"others can read"), qPrintable(result.warningText()));
}

void TestConfigLoader::fileFixtures_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("message"); // after "<path>:"
    QTest::newRow("unknown-key") << u"config/bad-unknown-key.yaml"_s
                                 << u"6:9: unknown key 'intervl' in a check; did you mean 'interval'?"_s;
    QTest::newRow("two-probes")
        << u"config/bad-two-probes.yaml"_s
        << u"6:9: a check needs exactly one probe: http, redis, tcp, file, exec or prometheus; found http and tcp"_s;
    QTest::newRow("cycle") << u"config/bad-cycle.yaml"_s << u"6:18: dependency cycle: a -> b -> a"_s;
    QTest::newRow("syntax")
        << u"config/bad-syntax.yaml"_s
        << u"4:4: YAML syntax error: illegal block entry (the line is indented with a tab; YAML needs spaces)"_s;
}

void TestConfigLoader::fileFixtures()
{
    QFETCH(QString, fixture);
    QFETCH(QString, message);
    const QString path = hdtest::dataPath(fixture);
    const hd::ConfigLoadResult result = hd::loadConfigFile(path);
    QVERIFY(!result.config);
    QCOMPARE(result.errors.size(), 1);
    QVERIFY2(result.errorText().startsWith(path + u':' + message), qPrintable(result.errorText()));
}

// The spec's example names a `database` dependency that it never defines; as
// written it is rejected, at the exact place.
void TestConfigLoader::specExampleAsWritten()
{
    const hd::ConfigLoadResult result = load(hdtest::readData(u"config/spec-example.yaml"_s), u"spec.yaml"_s);
    QCOMPARE(result.errorText(), u"spec.yaml:25:18: unknown dependency 'database': no service has that name"_s);
}

void TestConfigLoader::specExample()
{
    QByteArray yaml = hdtest::readData(u"config/spec-example.yaml"_s);
    const QByteArray database
        = "  - name: database\n    checks:\n      - { name: port, tcp: { host: 127.0.0.1, port: 5432 } }\n";
    const qsizetype adminAt = yaml.indexOf("\nadmin:\n");
    QVERIFY(adminAt > 0);
    yaml.insert(adminAt + 1, database);

    const hd::ConfigLoadResult result = load(yaml, u"/opt/trading/healthdeck.yaml"_s);
    REQUIRE_LOADED(result);
    QCOMPARE(result.errors.size(), 0);
    // The only warning: a tls block under a redis:// url.
    QCOMPARE(result.warningText(),
        u"/opt/trading/healthdeck.yaml:14:5: redis server 'main': 'tls' is not used with redis://; write rediss:// to connect with TLS"_s);
    const hd::Config& c = *result.config;
    QCOMPARE(c.file, u"/opt/trading/healthdeck.yaml"_s);
    QCOMPARE(c.version, 1);
    QCOMPARE(c.defaults.intervalMs, 10'000);
    QCOMPARE(c.defaults.timeoutMs, 2'000);
    QCOMPARE(c.defaults.failureThreshold, 3);
    QCOMPARE(c.defaults.successThreshold, 1);
    QCOMPARE(c.defaults.severity, hd::Severity::Critical);

    QCOMPARE(c.redis.size(), 1);
    const hd::RedisServerConfig& main = c.redis.value(u"main"_s);
    QCOMPARE(main.host, u"127.0.0.1"_s);
    QCOMPARE(main.port, 6379);
    QCOMPARE(main.db, 0);
    QCOMPARE(main.tls, false);
    QCOMPARE(main.username, u"monitor"_s);
    QCOMPARE(main.password, u"redis-secret"_s);
    QCOMPARE(main.tlsFiles.caFile, u"/path/ca.pem"_s);
    QCOMPARE(main.tlsFiles.keyFile, u"/path/client.key"_s);
    QCOMPARE(main.where.line, 10);

    const hd::CalendarConfig nse = c.calendars.value(u"nse"_s);
    QCOMPARE(nse.timezone, QByteArray("Asia/Kolkata"));
    QCOMPARE(nse.sessions.size(), 1);
    QCOMPARE(nse.sessions[0].days, (QList<int> { 1, 2, 3, 4, 5 }));
    QCOMPARE(nse.sessions[0].start, QTime(9, 15));
    QCOMPARE(nse.sessions[0].end, QTime(15, 30));
    QCOMPARE(nse.holidays, (QList<QDate> { QDate(2026, 1, 26), QDate(2026, 3, 3) }));

    QStringList names;
    for (const hd::ServiceConfig& s : c.services)
        names += s.name;
    QCOMPARE(names, (QStringList { u"trading-api"_s, u"ingestion"_s, u"workers"_s, u"host"_s, u"database"_s }));
    const hd::ServiceConfig* api = c.service(u"trading-api"_s);
    QVERIFY(api);
    QCOMPARE(api->group, u"core"_s);
    QCOMPARE(api->dependsOn, QStringList { u"database"_s });
    QCOMPARE(api->checks.size(), 3);

    const hd::CheckConfig& live = api->checks[0];
    QCOMPARE(live.key(), u"trading-api/live"_s);
    QCOMPARE(live.tags, QStringList { u"liveness"_s });
    QCOMPARE(live.kind, hd::ProbeKind::Http);
    QCOMPARE(live.http.url, QUrl(u"http://127.0.0.1:5001/health/live"_s));
    QCOMPARE(live.intervalMs, 10'000);
    QCOMPARE(live.http.maxBodyBytes, c.defaults.maxBodyBytes);
    QCOMPARE(live.where.line, 27);

    const hd::CheckConfig& ready = api->checks[1];
    QCOMPARE(ready.intervalMs, 5'000);
    QCOMPARE(ready.timeoutMs, 2'000);
    QCOMPARE(ready.http.method, QByteArray("GET"));
    QCOMPARE(ready.http.headers.size(), 1);
    QCOMPARE(ready.http.headers[0].first, QByteArray("X-Probe"));
    QCOMPARE(ready.http.headers[0].second, QByteArray("healthdeck"));
    QCOMPARE(ready.http.bearer, u"api-token"_s);
    QCOMPARE(ready.http.tls.caFile, u"/path/ca.pem"_s);
    QCOMPARE(ready.http.tls.insecure, false);

    const hd::CheckConfig& latency = api->checks[2];
    QCOMPARE(latency.conditions.size(), 3);
    QCOMPARE(latency.conditions[0].expression, u"[STATUS] == 200"_s);
    QCOMPARE(latency.conditions[0].warn, false);
    QCOMPARE(latency.conditions[2].expression, u"[RESPONSE_TIME] < 300"_s);
    QCOMPARE(latency.conditions[2].warn, true);
    QCOMPARE(latency.conditions[2].where.toString(), u"/opt/trading/healthdeck.yaml:44:20"_s);

    const hd::ServiceConfig* ingestion = c.service(u"ingestion"_s);
    QVERIFY(ingestion);
    QCOMPARE(ingestion->checks[0].kind, hd::ProbeKind::Redis);
    QCOMPARE(ingestion->checks[0].redis().server, u"main"_s);
    QCOMPARE(ingestion->checks[0].redis().mode, hd::RedisProbeConfig::Mode::Key);
    QCOMPARE(ingestion->checks[0].redis().key, u"health:ingestion"_s);
    const hd::CheckConfig& tickRate = ingestion->checks[1];
    QCOMPARE(tickRate.active, u"nse"_s);
    QCOMPARE(tickRate.severity, hd::Severity::Warning);
    QCOMPARE(tickRate.conditions.size(), 1);

    const hd::CheckConfig& workers = c.service(u"workers"_s)->checks[0];
    QCOMPARE(workers.redis().mode, hd::RedisProbeConfig::Mode::Pattern);
    QCOMPARE(workers.redis().key, u"health:worker*"_s);

    const hd::ServiceConfig* host = c.service(u"host"_s);
    QCOMPARE(host->checks[0].kind, hd::ProbeKind::File);
    QCOMPARE(host->checks[0].file().path, u"/var/log/trading"_s);
    QCOMPARE(host->checks[0].file().writable, true);
    QCOMPARE(host->checks[1].kind, hd::ProbeKind::Tcp);
    QCOMPARE(host->checks[1].tcp().host, u"127.0.0.1"_s);
    QCOMPARE(host->checks[1].tcp().port, 8001);
    QCOMPARE(host->checks[2].kind, hd::ProbeKind::Exec);
    QCOMPARE(host->checks[2].exec().command,
        (QStringList { u"python3"_s, u"scripts/healthcheck.py"_s, u"--mode"_s, u"readiness"_s }));
    QCOMPARE(host->checks[2].exec().workingDirectory, u"/opt/trading"_s);
    QCOMPARE(c.allChecks().size(), 10);

    QCOMPARE(c.admin.size(), 1);
    const hd::AdminServiceConfig admin = c.admin.value(u"trading-api"_s);
    QCOMPARE(admin.baseUrl, QUrl(u"http://127.0.0.1:5001"_s));
    QCOMPARE(admin.preset, u"trading-system"_s);
    QCOMPARE(admin.loginUrl, u"/login"_s);
    QCOMPARE(admin.loginUsername, u"admin"_s);
    QCOMPARE(admin.loginPassword, u"admin-secret"_s);
    QCOMPARE(admin.actions.size(), 2);
    QCOMPARE(admin.actions[0].name, u"exchange-metadata"_s);
    QCOMPARE(admin.actions[0].method, QByteArray("GET"));
    QCOMPARE(admin.actions[0].confirm, false);
    QVERIFY(admin.actions[0].required.isEmpty());
    const hd::AdminActionConfig& purge = admin.actions[1];
    QCOMPARE(purge.method, QByteArray("POST"));
    QCOMPARE(purge.path, u"/api/orders/purge"_s);
    QCOMPARE(purge.confirm, true);
    QCOMPARE(
        QJsonDocument(purge.body.toObject()).toJson(QJsonDocument::Compact), QByteArray(R"({"older_than":"{days}"})"));
    QCOMPARE(purge.required, QStringList { u"days"_s });
    QCOMPARE(purge.allowed.value(u"days"_s), QStringList());
    QVERIFY(purge.allowed.contains(u"days"_s));
    QCOMPARE(c.adminReadOnly, false);
}

void TestConfigLoader::envExpansion()
{
    QProcessEnvironment env;
    env.insert(u"HD_HOST"_s, u"10.1.2.3"_s);
    env.insert(u"HD_PORT"_s, u"8443"_s);
    env.insert(u"HD_INTERVAL"_s, u"30s"_s);
    env.insert(u"HD_TOKEN"_s, u"tok:en"_s);
    const QByteArray yaml = lines({
        "defaults:",
        "  interval: ${HD_INTERVAL}",
        "  failure_threshold: ${HD_FAILURES:-4}",
        "services:",
        "  - name: ${HD_SERVICE:-api}",
        "    checks:",
        "      - name: ready",
        "        http:",
        "          url: \"https://${HD_HOST}:${HD_PORT}/ready\"",
        "          auth: { bearer: \"${HD_TOKEN}\" }",
        "          headers: { X-Env: \"${HD_ENV:-${HD_FALLBACK:-prod}}\", X-Literal: \"$${HD_HOST}\" }",
        "      - name: port",
        "        tcp: { host: \"${HD_HOST}\", port: \"${HD_PORT}\" }",
    });
    const hd::ConfigLoadResult result = load(yaml, u"env.yaml"_s, env);
    REQUIRE_LOADED(result);
    QCOMPARE(result.warnings.size(), 0);
    const hd::Config& c = *result.config;
    QCOMPARE(c.defaults.intervalMs, 30'000);
    QCOMPARE(c.defaults.failureThreshold, 4);
    QCOMPARE(c.services[0].name, u"api"_s);
    const hd::CheckConfig& ready = c.services[0].checks[0];
    QCOMPARE(ready.http.url.toString(), u"https://10.1.2.3:8443/ready"_s);
    QCOMPARE(ready.http.bearer, u"tok:en"_s);
    QCOMPARE(ready.http.headers.value(0).second, QByteArray("prod"));
    QCOMPARE(ready.http.headers.value(1).second, QByteArray("${HD_HOST}"));
    QCOMPARE(ready.intervalMs, 30'000);
    QCOMPARE(c.services[0].checks[1].tcp().host, u"10.1.2.3"_s);
    QCOMPARE(c.services[0].checks[1].tcp().port, 8443);
}

void TestConfigLoader::unsetVariableWarning()
{
    const QByteArray yaml = lines({
        "redis:",
        "  main:",
        "    url: redis://127.0.0.1:6379/0",
        "    password: ${HD_UNSET_PASSWORD}",
        "services:",
        "  - name: api",
        "    checks:",
        "      - name: live",
        "        http: { url: \"http://127.0.0.1:1/\", auth: { bearer: \"x-${HD_UNSET_TOKEN}-${HD_UNSET_TOKEN}\" } }",
    });
    const hd::ConfigLoadResult result = load(yaml, u"warn.yaml"_s, QProcessEnvironment());
    REQUIRE_LOADED(result);
    QCOMPARE(result.warningText(),
        QStringList({
                        u"warn.yaml:4:15: environment variable HD_UNSET_PASSWORD is not set"_s,
                        u"warn.yaml:9:64: environment variable HD_UNSET_TOKEN is not set"_s,
                    })
            .join(u'\n'));
    QCOMPARE(result.config->redis.value(u"main"_s).password, QString());
    QCOMPARE(result.config->services[0].checks[0].http.bearer, u"x--"_s);
}

void TestConfigLoader::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("milliseconds") << "250ms" << qint64(250);
    QTest::newRow("seconds") << "10s" << qint64(10'000);
    QTest::newRow("minutes") << "5m" << qint64(300'000);
    QTest::newRow("hours") << "1h" << qint64(3'600'000);
    QTest::newRow("compound") << "1m30s" << qint64(90'000);
    QTest::newRow("quoted") << "\"2s\"" << qint64(2'000);
}

void TestConfigLoader::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    const QByteArray yaml = "services:\n  - name: api\n    checks:\n      - name: live\n        interval: "
        + text.toUtf8() + "\n        timeout: " + text.toUtf8() + "\n        tcp: { host: h, port: 1 }\n";
    const hd::ConfigLoadResult result = load(yaml);
    REQUIRE_LOADED(result);
    QCOMPARE(result.config->services[0].checks[0].intervalMs, ms);
    QCOMPARE(result.config->services[0].checks[0].timeoutMs, ms);
}

void TestConfigLoader::defaultsInheritance()
{
    const QByteArray yaml = lines({
        "defaults:",
        "  interval: 30s",
        "  timeout: 5s",
        "  failure_threshold: 5",
        "  success_threshold: 2",
        "  severity: warning",
        "  max_body: 1MiB",
        "services:",
        "  - name: api",
        "    checks:",
        "      - name: inherits",
        "        http: { url: \"http://127.0.0.1:1/\" }",
        "      - name: overrides",
        "        interval: 1s",
        "        timeout: 500ms",
        "        failure_threshold: 1",
        "        success_threshold: 3",
        "        severity: critical",
        "        http: { url: \"http://127.0.0.1:1/\", max_body: 512KB }",
    });
    const hd::ConfigLoadResult result = load(yaml);
    REQUIRE_LOADED(result);
    const hd::CheckConfig& a = result.config->services[0].checks[0];
    QCOMPARE(a.intervalMs, 30'000);
    QCOMPARE(a.timeoutMs, 5'000);
    QCOMPARE(a.failureThreshold, 5);
    QCOMPARE(a.successThreshold, 2);
    QCOMPARE(a.severity, hd::Severity::Warning);
    QCOMPARE(a.http.maxBodyBytes, 1'048'576);
    QCOMPARE(a.http.maxRedirects, 5);
    const hd::CheckConfig& b = result.config->services[0].checks[1];
    QCOMPARE(b.intervalMs, 1'000);
    QCOMPARE(b.timeoutMs, 500);
    QCOMPARE(b.failureThreshold, 1);
    QCOMPARE(b.successThreshold, 3);
    QCOMPARE(b.severity, hd::Severity::Critical);
    QCOMPARE(b.http.maxBodyBytes, 512'000);

    // Without a defaults section the built-in defaults apply.
    const hd::ConfigLoadResult plain = load(kOneCheck);
    REQUIRE_LOADED(plain);
    const hd::CheckConfig& p = plain.config->services[0].checks[0];
    const hd::Defaults builtIn;
    QCOMPARE(p.intervalMs, builtIn.intervalMs);
    QCOMPARE(p.timeoutMs, builtIn.timeoutMs);
    QCOMPARE(p.failureThreshold, builtIn.failureThreshold);
    QCOMPARE(p.http.maxBodyBytes, builtIn.maxBodyBytes);
}

void TestConfigLoader::defaultsOrderIndependent()
{
    const QByteArray yaml = kOneCheck + lines({ "defaults:", "  interval: 42s" });
    const hd::ConfigLoadResult result = load(yaml);
    REQUIRE_LOADED(result);
    QCOMPARE(result.config->services[0].checks[0].intervalMs, 42'000);
}

void TestConfigLoader::relativePaths()
{
    const QByteArray yaml = lines({
        "redis:",
        "  main:",
        "    url: rediss://cache:6380/2",
        "    tls: { ca: certs/ca.pem, cert: /abs/client.pem, key: ../keys/client.key }",
        "services:",
        "  - name: host",
        "    checks:",
        "      - { name: logs, file: { path: logs/app.log, max_age: 5m } }",
        "      - { name: script, exec: { command: [./check.sh, --quick] } }",
        "      - { name: script-in-dir, exec: { command: [python3, x.py], workdir: scripts } }",
        "      - { name: api, http: { url: \"https://127.0.0.1:1/\", tls: { ca: ./ca.pem, insecure: true } } }",
        "      - { name: home, file: { path: ~/healthdeck.flag } }",
    });
    const hd::ConfigLoadResult result = load(yaml, u"/srv/hd/conf/healthdeck.yaml"_s);
    REQUIRE_LOADED(result);
    const hd::Config& c = *result.config;
    QCOMPARE(c.redis.value(u"main"_s).tlsFiles.caFile, u"/srv/hd/conf/certs/ca.pem"_s);
    QCOMPARE(c.redis.value(u"main"_s).tlsFiles.certFile, u"/abs/client.pem"_s);
    QCOMPARE(c.redis.value(u"main"_s).tlsFiles.keyFile, u"/srv/hd/keys/client.key"_s);
    const QList<hd::CheckConfig>& checks = c.services[0].checks;
    QCOMPARE(checks[0].file().path, u"/srv/hd/conf/logs/app.log"_s);
    QCOMPARE(checks[0].file().maxAgeMs.value_or(-1), 300'000);
    QCOMPARE(checks[1].exec().workingDirectory, u"/srv/hd/conf"_s);
    QCOMPARE(checks[1].exec().command, (QStringList { u"./check.sh"_s, u"--quick"_s }));
    QCOMPARE(checks[2].exec().workingDirectory, u"/srv/hd/conf/scripts"_s);
    QCOMPARE(checks[3].http.tls.caFile, u"/srv/hd/conf/ca.pem"_s);
    QCOMPARE(checks[3].http.tls.insecure, true);
    QCOMPARE(checks[4].file().path, QString(QDir::homePath() + u"/healthdeck.flag"));
}

void TestConfigLoader::loadFileSetsAbsolutePath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir(u"conf"_s));
    const QString path = dir.filePath(u"conf/hd.yaml"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        lines({ "services:", "  - name: host", "    checks:", "      - { name: s, exec: { command: [true] } }" }));
    file.close();

    // A relative path as typed on the command line: errors keep it, Config::file is absolute.
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir.path()));
    const hd::ConfigLoadResult result = hd::loadConfigFile(u"conf/hd.yaml"_s);
    QVERIFY(QDir::setCurrent(previous));
    REQUIRE_LOADED(result);
    const QString canonicalDir = QFileInfo(dir.filePath(u"conf"_s)).absoluteFilePath();
    QCOMPARE(result.config->file, QString(canonicalDir + u"/hd.yaml"));
    QCOMPARE(result.config->services[0].checks[0].exec().workingDirectory, canonicalDir);
    QCOMPARE(result.config->services[0].checks[0].where.file, u"conf/hd.yaml"_s);
}

void TestConfigLoader::calendars()
{
    const QByteArray yaml = lines({
        "calendars:",
        "  nse:",
        "    timezone: Asia/Kolkata",
        "    sessions: [\"Mon-Fri 09:15-15:30\", \"Sat 10:00-12:00\", \"Mon,Wed 17:00-18:00\"]",
        "    holidays: [\"2026-01-26\", 2026-03-03]",
        "  fx:",
        "    timezone: America/New_York",
        "    sessions: [\"Sun 17:00-24:00\", \"Mon-Thu 00:00-24:00\", \"Fri 00:00-17:00\"]",
        "services:",
        "  - name: feed",
        "    checks:",
        "      - { name: nse-rate, active: nse, tcp: { host: h, port: 1 } }",
        "      - { name: fx-rate, active: fx, tcp: { host: h, port: 1 } }",
        "      - { name: always, tcp: { host: h, port: 1 } }",
    });
    const hd::ConfigLoadResult result = load(yaml);
    REQUIRE_LOADED(result);
    const hd::CalendarConfig nse = result.config->calendars.value(u"nse"_s);
    QCOMPARE(nse.name, u"nse"_s);
    QCOMPARE(nse.where.line, 2);
    QVERIFY(QTimeZone(nse.timezone).isValid());
    QCOMPARE(nse.sessions.size(), 3);
    QCOMPARE(nse.sessions[1].days, QList<int> { 6 });
    QCOMPARE(nse.sessions[1].start, QTime(10, 0));
    QCOMPARE(nse.sessions[2].days, (QList<int> { 1, 3 }));
    QCOMPARE(nse.holidays, (QList<QDate> { QDate(2026, 1, 26), QDate(2026, 3, 3) }));
    const hd::CalendarConfig fx = result.config->calendars.value(u"fx"_s);
    QCOMPARE(fx.timezone, QByteArray("America/New_York"));
    QCOMPARE(fx.sessions[0].days, QList<int> { 7 });
    QCOMPARE(fx.sessions[0].end, QTime(0, 0));
    QCOMPARE(fx.sessions[1].days, (QList<int> { 1, 2, 3, 4 }));
    QCOMPARE(result.config->services[0].checks[0].active, u"nse"_s);
    QCOMPARE(result.config->services[0].checks[1].active, u"fx"_s);
    QCOMPARE(result.config->services[0].checks[2].active, QString());
}

void TestConfigLoader::redisServers()
{
    QProcessEnvironment env;
    env.insert(u"HD_REDIS_PASS"_s, u"from-env"_s);
    const QByteArray yaml = lines({
        "redis:",
        "  plain: { url: \"redis://cache.local\" }",
        "  tls:",
        "    url: \"rediss://user:p%40ss@[::1]:6390/3\"",
        "  override:",
        "    url: \"redis://u1:p1@127.0.0.1:6379/1\"",
        "    username: u2",
        "    password: ${HD_REDIS_PASS}",
        "  keep-url-secret:",
        "    url: \"redis://:inline@127.0.0.1:6379\"",
        "    password: ${HD_REDIS_UNSET:-}",
    });
    const hd::ConfigLoadResult result = load(yaml, u"r.yaml"_s, env);
    REQUIRE_LOADED(result);
    const auto& servers = result.config->redis;
    QCOMPARE(servers.value(u"plain"_s).host, u"cache.local"_s);
    QCOMPARE(servers.value(u"plain"_s).port, 6379);
    QCOMPARE(servers.value(u"plain"_s).db, 0);
    const hd::RedisServerConfig tls = servers.value(u"tls"_s);
    QCOMPARE(tls.tls, true);
    QCOMPARE(tls.host, u"::1"_s);
    QCOMPARE(tls.port, 6390);
    QCOMPARE(tls.db, 3);
    QCOMPARE(tls.username, u"user"_s);
    QCOMPARE(tls.password, u"p@ss"_s);
    QCOMPARE(servers.value(u"override"_s).username, u"u2"_s);
    QCOMPARE(servers.value(u"override"_s).password, u"from-env"_s);
    QCOMPARE(servers.value(u"override"_s).db, 1);
    QCOMPARE(servers.value(u"keep-url-secret"_s).password, u"inline"_s);
    QCOMPARE(servers.value(u"keep-url-secret"_s).name, u"keep-url-secret"_s);
}

void TestConfigLoader::redisProbeModes()
{
    const QByteArray yaml = lines({
        "redis:",
        "  main: { url: \"redis://127.0.0.1:6379/0\" }",
        "services:",
        "  - name: cache",
        "    checks:",
        "      - { name: k, redis: { server: main, key: \"health:a\" } }",
        "      - { name: h, redis: { server: main, hash: \"stats\" } }",
        "      - { name: s, redis: { server: main, stream: \"events\" } }",
        "      - { name: p, redis: { server: main, pattern: \"health:*\" } }",
        "      - { name: ping, redis: { server: main, ping: true } }",
    });
    const hd::ConfigLoadResult result = load(yaml);
    REQUIRE_LOADED(result);
    const QList<hd::CheckConfig>& checks = result.config->services[0].checks;
    using Mode = hd::RedisProbeConfig::Mode;
    QCOMPARE(checks[0].redis().mode, Mode::Key);
    QCOMPARE(checks[1].redis().mode, Mode::Hash);
    QCOMPARE(checks[1].redis().key, u"stats"_s);
    QCOMPARE(checks[2].redis().mode, Mode::Stream);
    QCOMPARE(checks[3].redis().mode, Mode::Pattern);
    QCOMPARE(checks[4].redis().mode, Mode::Ping);
    QCOMPARE(checks[4].redis().key, QString());
    for (const hd::CheckConfig& c : checks) {
        QCOMPARE(c.kind, hd::ProbeKind::Redis);
        QCOMPARE(c.redis().server, u"main"_s);
    }
}

void TestConfigLoader::conditionsKeepLocation()
{
    const QByteArray yaml = lines({
        "services:",
        "  - name: api",
        "    checks:",
        "      - name: live",
        "        http: { url: \"http://127.0.0.1:1/\" }",
        "        conditions:",
        "          - \"[STATUS] == 200\"",
        "          - [BODY].status == UP",
        "          - warn: '[RESPONSE_TIME] < 300'",
        "          - { warn: \"len([BODY].items) > ${HD_MIN:-0}\" }",
    });
    const hd::ConfigLoadResult result = load(yaml, u"c.yaml"_s, QProcessEnvironment());
    // Unquoted, "[BODY].status == UP" starts a YAML flow list and is not YAML at all.
    QCOMPARE(result.errorText(),
        u"c.yaml:8:19: YAML syntax error: end of sequence not found "
        u"(quote a condition that starts with '[': \"[STATUS] == 200\")"_s);

    QByteArray fixed = yaml;
    fixed.replace("- [BODY].status == UP", "- \"[BODY].status == UP\"");
    const hd::ConfigLoadResult ok = load(fixed, u"c.yaml"_s, QProcessEnvironment());
    REQUIRE_LOADED(ok);
    const QList<hd::ConditionSpec>& conditions = ok.config->services[0].checks[0].conditions;
    QCOMPARE(conditions.size(), 4);
    // `where` is the first character of the expression, inside any quote.
    QCOMPARE(conditions[0].where.toString(), u"c.yaml:7:14"_s);
    QCOMPARE(conditions[1].where.toString(), u"c.yaml:8:14"_s);
    QCOMPARE(conditions[2].where.toString(), u"c.yaml:9:20"_s);
    QCOMPARE(conditions[2].warn, true);
    QCOMPARE(conditions[2].expression, u"[RESPONSE_TIME] < 300"_s);
    QCOMPARE(conditions[3].expression, u"len([BODY].items) > 0"_s);
    QCOMPARE(conditions[3].warn, true);
    QCOMPARE(conditions[3].where.toString(), u"c.yaml:10:22"_s);
    QCOMPARE(conditions[0].warn, false);
}

void TestConfigLoader::admin()
{
    QProcessEnvironment env;
    env.insert(u"HD_ADMIN_TOKEN"_s, u"tkn"_s);
    const QByteArray yaml = lines({
        "services:",
        "  - name: api",
        "    checks:",
        "      - { name: live, http: { url: \"https://10.0.0.5:8443/health/live?x=1\" } }",
        "admin:",
        "  read_only: true",
        "  api:",
        "    preset: trading-system",
        "    auth: { bearer: \"${HD_ADMIN_TOKEN}\" }",
        "    timeout: 30s",
        "    actions:",
        "      - name: clear",
        "        method: post",
        "        path: /api/system/cache-clear",
        "        confirm: yes",
        "        params: { type: [price, exchange, all], exchange: [] }",
        "        body: { type: \"{type}\", exchange: \"{exchange}\", dry_run: false, limit: 10, ratio: 0.5, note: ~, "
        "tags: [a, \"1\"], quoted: \"42\" }",
        "      - { name: job, method: POST, path: \"/api/jobs/{job_id}/run\", required: [] }",
        "  reports:",
        "    base_url: \"http://127.0.0.1:7000\"",
        "    auth: { basic: { username: ops, password: pw } }",
        "    actions: [{ name: stats, path: /stats }]",
    });
    const hd::ConfigLoadResult result = load(yaml, u"a.yaml"_s, env);
    REQUIRE_LOADED(result);
    QCOMPARE(result.warnings.size(), 0);
    const hd::Config& c = *result.config;
    QCOMPARE(c.adminReadOnly, true);
    QCOMPARE(c.admin.size(), 2);
    const hd::AdminServiceConfig api = c.admin.value(u"api"_s);
    QCOMPARE(api.service, u"api"_s);
    // No base_url: the origin of the service's http check.
    QCOMPARE(api.baseUrl, QUrl(u"https://10.0.0.5:8443"_s));
    QCOMPARE(api.bearer, u"tkn"_s);
    QCOMPARE(api.timeoutMs, 30'000);
    QCOMPARE(api.where.toString(), u"a.yaml:7:3"_s);
    QCOMPARE(api.actions.size(), 2);
    const hd::AdminActionConfig& clear = api.actions[0];
    QCOMPARE(clear.method, QByteArray("POST"));
    QCOMPARE(clear.confirm, true);
    QCOMPARE(clear.allowed.value(u"type"_s), (QStringList { u"price"_s, u"exchange"_s, u"all"_s }));
    QVERIFY(clear.allowed.contains(u"exchange"_s));
    QCOMPARE(clear.allowed.value(u"exchange"_s), QStringList());
    QCOMPARE(clear.required, (QStringList { u"exchange"_s, u"type"_s })); // body keys in JSON order
    const QJsonObject body = clear.body.toObject();
    QCOMPARE(body.value(u"type"_s).toString(), u"{type}"_s);
    QCOMPARE(body.value(u"dry_run"_s), QJsonValue(false));
    QCOMPARE(body.value(u"limit"_s), QJsonValue(10));
    QCOMPARE(body.value(u"ratio"_s), QJsonValue(0.5));
    QVERIFY(body.value(u"note"_s).isNull());
    QCOMPARE(QJsonDocument(body.value(u"tags"_s).toArray()).toJson(QJsonDocument::Compact), QByteArray(R"(["a","1"])"));
    QCOMPARE(body.value(u"quoted"_s), QJsonValue(u"42"_s));
    const hd::AdminActionConfig& job = api.actions[1];
    QCOMPARE(job.allowed.keys(), QStringList { u"job_id"_s });
    QCOMPARE(job.required, QStringList()); // said explicitly
    QVERIFY(job.body.isUndefined() || job.body.isNull());

    const hd::AdminServiceConfig reports = c.admin.value(u"reports"_s);
    QCOMPARE(reports.baseUrl, QUrl(u"http://127.0.0.1:7000"_s));
    QVERIFY(reports.basic.has_value());
    QCOMPARE(reports.basic->username, u"ops"_s);
    QCOMPARE(reports.basic->password, u"pw"_s);
    QCOMPARE(reports.actions[0].method, QByteArray("GET"));
}

void TestConfigLoader::maintenance()
{
    const QByteArray yaml = lines({
        "services:",
        "  - name: api",
        "    group: core",
        "    checks: [{ name: live, tags: [liveness], tcp: { host: h, port: 1 } }]",
        "  - name: db",
        "    checks: [{ name: port, tcp: { host: h, port: 2 } }]",
        "maintenance:",
        "  - name: release",
        "    services: [api, db]",
        "    start: 2026-11-22T22:00:00+05:30",
        "    end: \"2026-11-22T23:30:00+05:30\"",
        "  - name: weekly-restart",
        "    groups: [core]",
        "    tags: [liveness]",
        "    weekly: \"Sat 22:00-23:30\"",
        "    timezone: Europe/London",
        "  - name: local-once",
        "    services: [db]",
        "    timezone: America/New_York",
        "    start: 2026-07-04T09:00:00",
        "    end: 2026-07-04T10:00:00",
        "  - name: weekly-default-zone",
        "    services: [db]",
        "    weekly: \"Sun 01:00-02:00\"",
    });
    const hd::ConfigLoadResult result = load(yaml);
    REQUIRE_LOADED(result);
    const QList<hd::MaintenanceWindow>& w = result.config->maintenance;
    QCOMPARE(w.size(), 4);
    QCOMPARE(w[0].name, u"release"_s);
    QCOMPARE(w[0].services, (QStringList { u"api"_s, u"db"_s }));
    QCOMPARE(w[0].start.toUTC(), QDateTime(QDate(2026, 11, 22), QTime(16, 30), Qt::UTC));
    QCOMPARE(w[0].end.toUTC(), QDateTime(QDate(2026, 11, 22), QTime(18, 0), Qt::UTC));
    QVERIFY(w[0].weekly.isEmpty());
    QCOMPARE(w[0].where.line, 8);
    QCOMPARE(w[1].groups, QStringList { u"core"_s });
    QCOMPARE(w[1].tags, QStringList { u"liveness"_s });
    QCOMPARE(w[1].weekly, u"Sat 22:00-23:30"_s);
    QCOMPARE(w[1].timezone, QByteArray("Europe/London"));
    QVERIFY(!w[1].start.isValid());
    // Without an offset the times are read in the window's timezone (EDT in July).
    QCOMPARE(w[2].start.toUTC(), QDateTime(QDate(2026, 7, 4), QTime(13, 0), Qt::UTC));
    QCOMPARE(w[3].timezone, QTimeZone::systemTimeZoneId());
}

void TestConfigLoader::history()
{
    // Retention alone is a valid file, if a useless one.
    const hd::ConfigLoadResult alone
        = load(lines({ "version: 1", "history:", "  retention: { events: 30d }" }), u"h.yaml"_s);
    REQUIRE_LOADED(alone);
    QCOMPARE(alone.warningText(), u"h.yaml:1:1: no services: there is nothing to check"_s);
    QCOMPARE(alone.config->history.eventsMs, 30LL * 86400 * 1000);

    const hd::ConfigLoadResult result = load(kOneCheck
        + lines({ "history:", "  retention:", "    raw_samples: 24h", "    minute_rollups: 7d", "    events: 90d" }));
    REQUIRE_LOADED(result);
    const hd::HistoryConfig& h = result.config->history;
    QCOMPARE(h.rawSamplesMs, 24LL * 3600 * 1000);
    QCOMPARE(h.minuteRollupsMs, 7LL * 86400 * 1000);
    QCOMPARE(h.hourRollupsMs, hd::HistoryConfig().hourRollupsMs);
    QCOMPARE(h.eventsMs, 90LL * 86400 * 1000);
}

void TestConfigLoader::mergeKeys()
{
    const QByteArray yaml = lines({
        "services:",
        "  - name: api",
        "    checks:",
        "      - &base",
        "        name: live",
        "        interval: 3s",
        "        severity: warning",
        "        http: { url: \"http://127.0.0.1:1/live\" }",
        "      - <<: *base",
        "        name: ready",
        "        http: { url: \"http://127.0.0.1:1/ready\" }",
    });
    const hd::ConfigLoadResult result = load(yaml);
    REQUIRE_LOADED(result);
    const hd::CheckConfig& ready = result.config->services[0].checks[1];
    QCOMPARE(ready.name, u"ready"_s);
    QCOMPARE(ready.intervalMs, 3'000);
    QCOMPARE(ready.severity, hd::Severity::Warning);
    QCOMPARE(ready.http.url, QUrl(u"http://127.0.0.1:1/ready"_s));
}

// Section 8's source as written, and a service without checks that gives an alert service its dependencies.
void TestConfigLoader::alertmanagerSource()
{
    const auto result = load(lines({
        "services:",
        "  - name: database",
        "    checks: [{ name: ping, tcp: { host: 127.0.0.1, port: 5432 } }]",
        "  - name: node",
        "    group: fleet",
        "    depends_on: [database]",
        "sources:",
        "  - alertmanager:",
        "      name: am",
        "      url: \"http://127.0.0.1:9093\"",
        "      interval: 15s",
        "      filter: ['team=\"desk\"']",
        "      map:",
        "        service: [service, job]",
        "        check: [alertname]",
        "        group: team",
        "        severity: { critical: down, warning: degraded, info: ok }",
        "      ack: { expiry: 2h, matchers: [alertname, service, instance] }",
        "      watchdog: Watchdog",
    }));
    REQUIRE_LOADED(result);
    const hd::Config& config = *result.config;
    QCOMPARE(config.services.size(), 3);
    QCOMPARE(config.services[1].name, u"node"_s);
    QVERIFY(config.services[1].checks.isEmpty());
    QCOMPARE(config.services[1].dependsOn, QStringList { u"database"_s });
    const hd::ServiceConfig& am = config.services[2];
    QCOMPARE(am.name, u"am"_s);
    QCOMPARE(am.checks.size(), 1);
    QCOMPARE(am.checks[0].name, u"api"_s);
    QCOMPARE(am.checks[0].kind, hd::ProbeKind::Alertmanager);
    QCOMPARE(am.checks[0].intervalMs, 15'000);
    QVERIFY(am.checks[0].alertmanager);
    const hd::AlertmanagerSourceConfig& src = *am.checks[0].alertmanager;
    QCOMPARE(src.filter, QStringList { u"team=\"desk\""_s });
    QCOMPARE(src.groupLabel, u"team"_s);
    QCOMPARE(src.severity.value(u"info"_s), hd::Status::Ok);
    QCOMPARE(src.ackExpiryMs, 2 * 3600 * 1000);
    QCOMPARE(src.ackMatchers, (QStringList { u"alertname"_s, u"service"_s, u"instance"_s }));
    QCOMPARE(src.watchdog, u"Watchdog"_s);
    QVERIFY(am.checks[0].http.url.toString().startsWith(u"http://127.0.0.1:9093/api/v2/alerts?"_s));
}

QTEST_GUILESS_MAIN(TestConfigLoader)
#include "tst_configloader.moc"
