#include "health/condition.h"
#include "support/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hd;

namespace {

const QDateTime kNow(QDate(2026, 11, 22), QTime(10, 15, 0), QTimeZone::utc());

ConditionOutcome run(const QString &expression, const ProbeResult &result, const QDateTime &now = kNow,
                     ConditionMemory *memory = nullptr)
{
    QString error;
    const std::optional<Condition> c = Condition::parse(expression, &error);
    if (!c) {
        qWarning("%s: %s", qPrintable(expression), qPrintable(error));
        return {};
    }
    ConditionInput input;
    input.result = &result;
    input.now = now;
    input.memory = memory;
    return c->evaluate(input);
}

ProbeResult withBody(const QByteArray &body)
{
    ProbeResult r;
    r.body = body;
    return r;
}

QJsonArray readCases(const QString &file)
{
    const QJsonDocument doc = QJsonDocument::fromJson(hdtest::readData(file));
    return doc.isArray() ? doc.array() : doc.object().value(doc.object().contains(u"cases") ? u"cases" : u"skipped").toArray();
}

} // namespace

class TestCondition : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gatusTable_data();
    void gatusTable();
    void gatusValidation_data();
    void gatusValidation();
    void certificateCasesStillParse();
    void gatusDetails_data();
    void gatusDetails();
    void ttl_data();
    void ttl();
    void age_data();
    void age();
    void ageFailureDetail();
    void ageUnreadable_data();
    void ageUnreadable();
    void rateAcrossPolls();
    void rateCounterReset();
    void rateWithoutMemory();
    void deltaWindow();
    void rateAndDeltaShareASeries();
    void memoryPrunesToTheWindow();
    void invalidExpressions_data();
    void invalidExpressions();
    void hostileInput_data();
    void hostileInput();
};

void TestCondition::gatusTable_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<double>("latencyMs");
    QTest::addColumn<QString>("ip");
    QTest::addColumn<bool>("connected");
    QTest::addColumn<bool>("resolveSuccessful");
    QTest::addColumn<bool>("dontResolveFailed");
    QTest::addColumn<bool>("success");
    QTest::addColumn<QString>("display");
    const QJsonArray cases = readCases(QStringLiteral("gatus-condition-cases.json"));
    QCOMPARE(cases.size(), 93);
    for (const QJsonValue &v : cases) {
        const QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(c[u"name"].toString()))
            << c[u"condition"].toString() << c[u"status"].toInt() << c[u"body"].toString().toUtf8()
            << c[u"response_time_ms"].toDouble() << c[u"ip"].toString() << c[u"connected"].toBool()
            << c[u"resolve_successful_conditions"].toBool() << c[u"dont_resolve_failed_conditions"].toBool()
            << c[u"expected_success"].toBool() << c[u"expected_output"].toString();
    }
}

void TestCondition::gatusTable()
{
    QFETCH(QString, condition);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(double, latencyMs);
    QFETCH(QString, ip);
    QFETCH(bool, connected);
    QFETCH(bool, resolveSuccessful);
    QFETCH(bool, dontResolveFailed);
    QFETCH(bool, success);
    QFETCH(QString, display);

    ProbeResult r;
    r.status = status;
    r.body = body;
    r.latencyMs = latencyMs;
    r.ip = ip;
    r.connected = connected;
    const std::optional<Condition> c = Condition::parse(condition);
    QVERIFY(c);
    ConditionInput input;
    input.result = &r;
    input.now = kNow;
    input.resolveSuccessful = resolveSuccessful;
    input.dontResolveFailed = dontResolveFailed;
    const ConditionOutcome o = c->evaluate(input);
    QCOMPARE(o.success, success);
    QCOMPARE(o.display, display);
    QVERIFY(!o.insufficientData);
    QVERIFY(!o.ageFailure);
    QVERIFY(o.detail.isEmpty());
}

void TestCondition::gatusValidation_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("error");
    const QJsonArray cases = readCases(QStringLiteral("gatus-condition-validate-cases.json"));
    QCOMPARE(cases.size(), 30);
    for (const QJsonValue &v : cases) {
        const QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(c[u"condition"].toString()))
            << c[u"condition"].toString() << c[u"valid"].toBool() << c[u"error"].toString();
    }
}

void TestCondition::gatusValidation()
{
    QFETCH(QString, condition);
    QFETCH(bool, valid);
    QFETCH(QString, error);
    QString why;
    const std::optional<Condition> c = Condition::parse(condition, &why);
    QCOMPARE(c.has_value(), valid);
    QCOMPARE(why, error);
    if (c)
        QCOMPARE(c->expression(), condition);
}

// The certificate cases are left out of the table because no probe reports an expiry
// yet (the [CONTEXT] note needs Gatus suites); their syntax must still be accepted.
void TestCondition::certificateCasesStillParse()
{
    int certificateCases = 0;
    for (const QJsonValue &v : readCases(QStringLiteral("gatus-condition-cases-skipped.json"))) {
        const QString condition = v.toObject()[u"condition"].toString();
        if (condition.isEmpty())
            continue;
        ++certificateCases;
        QVERIFY2(condition.contains(u"[CERTIFICATE_EXPIRATION]"), qPrintable(condition));
        QVERIFY2(Condition::parse(condition), qPrintable(condition));
    }
    QCOMPARE(certificateCases, 5);
}

// Gatus behaviour outside its own table that healthdeck keeps.
void TestCondition::gatusDetails_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("success");
    QTest::addColumn<QString>("display");
    QTest::newRow("placeholder-case-insensitive") << "[status] == 0" << QByteArray() << true << "[status] == 0";
    QTest::newRow("duration-literal-shown-as-written")
        << "[RESPONSE_TIME] > 10s" << QByteArray() << false << "[RESPONSE_TIME] (0) > 10s";
    QTest::newRow("missing-field-compares-as-zero")
        << "[BODY].count > 5" << QByteArray("{}") << false << "[BODY].count (0) > 5";
    QTest::newRow("float-truncated-for-ordering") << "[BODY].v > 0" << QByteArray(R"({"v": 0.7})") << false
                                                  << "[BODY].v (0) > 0";
    QTest::newRow("large-json-number-prints-in-exponent-form")
        << "[BODY].n == 1234567" << QByteArray(R"({"n": 1234567})") << false << "[BODY].n (1.234567e+06) == 1234567";
    QTest::newRow("large-json-number-orders-fine") << "[BODY].n >= 1234567" << QByteArray(R"({"n": 1234567})") << true
                                                   << "[BODY].n >= 1234567";
    QTest::newRow("leading-zero-is-octal") << "[BODY] == 8" << QByteArray("010") << true << "[BODY] == 8";
    QTest::newRow("only-first-two-operands") << "1 == 1 == 2" << QByteArray() << true << "1 == 1 == 2";
    QTest::newRow("has-body") << "has([BODY]) == true" << QByteArray("  ") << false
                              << "has([BODY]) (false) == true";
    QTest::newRow("len-unknown-placeholder") << "len([NOPE]) == 0" << QByteArray() << false
                                             << "len([NOPE]) (INVALID) == 0";
    QTest::newRow("not-equal-resolves") << "[BODY].a != 1" << QByteArray(R"({"a": 1})") << false
                                        << "[BODY].a (1) != 1";
    QTest::newRow("long-value-cut-in-display")
        << "[BODY] == short" << QByteArray(300, 'x') << false
        << QString(u"[BODY] (" + QString(200, u'x') + u"...(truncated)) == short");
    QTest::newRow("any-both-sides-compare-lists") << "any(1, 2) == any(1, 2)" << QByteArray() << true
                                                  << "any(1, 2) == any(1, 2)";
}

void TestCondition::gatusDetails()
{
    QFETCH(QString, condition);
    QFETCH(QByteArray, body);
    QFETCH(bool, success);
    QFETCH(QString, display);
    const ConditionOutcome o = run(condition, withBody(body));
    QCOMPARE(o.success, success);
    QCOMPARE(o.display, display);
}

void TestCondition::ttl_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<qint64>("ttl"); // -2: the probe reported none
    QTest::addColumn<bool>("success");
    QTest::addColumn<QString>("display");
    QTest::newRow("plenty-left") << "[TTL] > 5000" << qint64(42'000) << true << "[TTL] > 5000";
    QTest::newRow("running-out") << "[TTL] > 5000" << qint64(1'200) << false << "[TTL] (1200) > 5000";
    QTest::newRow("duration-literal") << "[TTL] > 30s" << qint64(12'000) << false << "[TTL] (12000) > 30s";
    QTest::newRow("no-expiry") << "[TTL] == -1" << qint64(-1) << true << "[TTL] == -1";
    QTest::newRow("absent-in-ordering") << "[TTL] > 5000" << qint64(-2) << false << "[TTL] (0) > 5000";
    QTest::newRow("absent-in-equality") << "[TTL] == -1" << qint64(-2) << false << "[TTL] (INVALID) == -1";
    QTest::newRow("has-absent") << "has([TTL]) == true" << qint64(-2) << false << "has([TTL]) (false) == true";
    QTest::newRow("has-present") << "has([TTL]) == true" << qint64(10) << true << "has([TTL]) == true";
}

void TestCondition::ttl()
{
    QFETCH(QString, condition);
    QFETCH(qint64, ttl);
    QFETCH(bool, success);
    QFETCH(QString, display);
    ProbeResult r;
    if (ttl != -2)
        r.ttlMs = ttl;
    const ConditionOutcome o = run(condition, r);
    QCOMPARE(o.success, success);
    QCOMPARE(o.display, display);
}

void TestCondition::age_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("success");
    QTest::addColumn<QString>("display");
    // kNow is 2026-11-22T10:15:00Z.
    QTest::newRow("iso-utc-fresh") << QByteArray(R"({"last_activity": "2026-11-22T10:14:30Z"})")
                                   << "age([BODY].last_activity) < 60s" << true << "age([BODY].last_activity) < 60s";
    QTest::newRow("iso-with-offset-stale")
        << QByteArray(R"({"last_activity": "2026-11-22T15:43:25+05:30"})") << "age([BODY].last_activity) < 60s"
        << false << "age([BODY].last_activity) (95) < 60s";
    QTest::newRow("iso-without-zone-is-utc")
        << QByteArray(R"({"last_activity": "2026-11-22T10:13:25.123456"})") << "age([BODY].last_activity) < 60s"
        << false << "age([BODY].last_activity) (94) < 60s";
    QTest::newRow("iso-fraction-fresh") << QByteArray(R"({"last_activity": "2026-11-22T10:14:59.999Z"})")
                                        << "age([BODY].last_activity) < 1s" << true
                                        << "age([BODY].last_activity) < 1s";
    QTest::newRow("epoch-seconds") << QByteArray(R"({"ts": 1795342405})") << "age([BODY].ts) < 5m" << true
                                   << "age([BODY].ts) < 5m";
    QTest::newRow("epoch-seconds-as-string-stale")
        << QByteArray(R"({"ts": "1795342000"})") << "age([BODY].ts) < 5m" << false << "age([BODY].ts) (500) < 5m";
    QTest::newRow("epoch-seconds-fraction") << QByteArray(R"({"ts": 1795342490.5})") << "age([BODY].ts) <= 9"
                                            << true << "age([BODY].ts) <= 9";
    QTest::newRow("epoch-milliseconds") << QByteArray(R"({"ts": 1795342440000})") << "age([BODY].ts) > 59" << true
                                        << "age([BODY].ts) > 59";
    QTest::newRow("epoch-milliseconds-stale") << QByteArray(R"({"ts": 1795342440000})") << "age([BODY].ts) < 30s"
                                              << false << "age([BODY].ts) (60) < 30s";
    QTest::newRow("future-passes-max-age") << QByteArray(R"({"last_activity": "2026-11-22T10:16:00Z"})")
                                           << "age([BODY].last_activity) < 60s" << true
                                           << "age([BODY].last_activity) < 60s";
    QTest::newRow("duration-on-the-left") << QByteArray(R"({"last_activity": "2026-11-22T10:00:00Z"})")
                                          << "10m > age([BODY].last_activity)" << false
                                          << "10m > age([BODY].last_activity) (900)";
    QTest::newRow("compound-duration") << QByteArray(R"({"last_activity": "2026-11-22T09:00:00Z"})")
                                       << "age([BODY].last_activity) < 1h30m" << true
                                       << "age([BODY].last_activity) < 1h30m";
}

void TestCondition::age()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, condition);
    QFETCH(bool, success);
    QFETCH(QString, display);
    const ConditionOutcome o = run(condition, withBody(body));
    QCOMPARE(o.success, success);
    QCOMPARE(o.display, display);
    QCOMPARE(o.ageFailure, !success);
    QVERIFY(!o.insufficientData);
}

void TestCondition::ageFailureDetail()
{
    ProbeResult r = withBody(R"({"last_activity": "2026-11-22T10:13:25Z"})");
    ConditionOutcome o = run(QStringLiteral("age([BODY].last_activity) < 60s"), r);
    QVERIFY(!o.success);
    QVERIFY(o.ageFailure);
    QCOMPARE(o.detail, QStringLiteral("last_activity 95 s ago"));

    r = withBody(R"({"last_activity": "2026-11-22T10:15:30Z"})");
    o = run(QStringLiteral("age([BODY].last_activity) > 0"), r);
    QVERIFY(o.ageFailure);
    QCOMPARE(o.detail, QStringLiteral("last_activity 30 s in the future"));
    QCOMPARE(o.display, QStringLiteral("age([BODY].last_activity) (-30) > 0"));

    // A passing age() says nothing.
    o = run(QStringLiteral("age([BODY].last_activity) < 60s"), r);
    QVERIFY(o.success);
    QVERIFY(o.detail.isEmpty());
}

void TestCondition::ageUnreadable_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("detail");
    QTest::newRow("garbage") << QByteArray(R"({"last_activity": "yesterday-ish"})")
                             << R"(last_activity is not a timestamp: "yesterday-ish")";
    QTest::newRow("bad-date") << QByteArray(R"({"last_activity": "2026-13-45T99:00:00Z"})")
                              << R"(last_activity is not a timestamp: "2026-13-45T99:00:00Z")";
    QTest::newRow("boolean") << QByteArray(R"({"last_activity": true})")
                             << R"(last_activity is not a timestamp: "true")";
    QTest::newRow("negative-epoch") << QByteArray(R"({"last_activity": -5})")
                                    << R"(last_activity is not a timestamp: "-5")";
    QTest::newRow("missing") << QByteArray(R"({"status": "healthy"})") << "last_activity is missing";
    QTest::newRow("body-not-json") << QByteArray("OK") << "last_activity is missing";
}

void TestCondition::ageUnreadable()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, detail);
    const ConditionOutcome o = run(QStringLiteral("age([BODY].last_activity) < 60s"), withBody(body));
    QVERIFY(!o.success);
    QVERIFY(!o.ageFailure);
    QVERIFY(!o.insufficientData);
    QCOMPARE(o.detail, detail);
    QCOMPARE(o.display, QStringLiteral("age([BODY].last_activity) (INVALID) < 60s"));
}

void TestCondition::rateAcrossPolls()
{
    ConditionMemory memory;
    const QString expr = QStringLiteral("rate([BODY].processed_count) > 0");

    ConditionOutcome o = run(expr, withBody(R"({"processed_count": 100})"), kNow, &memory);
    QVERIFY(!o.success);
    QVERIFY(o.insufficientData);
    QCOMPARE(o.detail, QStringLiteral("not enough data for rate([BODY].processed_count)"));
    QCOMPARE(o.display, expr);

    o = run(expr, withBody(R"({"processed_count": 150})"), kNow.addSecs(10), &memory);
    QVERIFY(o.success);
    QVERIFY(!o.insufficientData);
    QCOMPARE(o.display, expr);

    // Stalled: same value ten seconds later.
    o = run(expr, withBody(R"({"processed_count": 150})"), kNow.addSecs(20), &memory);
    QVERIFY(!o.success);
    QVERIFY(!o.insufficientData);
    QVERIFY(!o.ageFailure);
    QCOMPARE(o.display, QStringLiteral("rate([BODY].processed_count) (0) > 0"));

    o = run(QStringLiteral("rate([BODY].processed_count) >= 10"), withBody(R"({"processed_count": 175})"),
            kNow.addSecs(30), &memory);
    QVERIFY(!o.success);
    QCOMPARE(o.display, QStringLiteral("rate([BODY].processed_count) (2.5) >= 10"));
}

void TestCondition::rateCounterReset()
{
    ConditionMemory memory;
    const QString expr = QStringLiteral("rate([BODY].n) > 5");
    run(expr, withBody(R"({"n": 100000})"), kNow, &memory);
    // 40 since the restart over 10 s, not -99960.
    ConditionOutcome o = run(expr, withBody(R"({"n": 40})"), kNow.addSecs(10), &memory);
    QVERIFY(!o.success);
    QCOMPARE(o.display, QStringLiteral("rate([BODY].n) (4) > 5"));
    o = run(expr, withBody(R"({"n": 100})"), kNow.addSecs(20), &memory);
    QVERIFY(o.success);
}

void TestCondition::rateWithoutMemory()
{
    const QString expr = QStringLiteral("rate([BODY].n) > 0");
    for (int i = 0; i < 2; ++i) {
        const ConditionOutcome o = run(expr, withBody(R"({"n": 5})"), kNow.addSecs(i), nullptr);
        QVERIFY(o.insufficientData);
        QVERIFY(!o.success);
    }
    // A value that cannot be read is a failure, not missing history.
    const ConditionOutcome o = run(expr, withBody(R"({"n": "many"})"));
    QVERIFY(!o.insufficientData);
    QVERIFY(!o.success);
    QCOMPARE(o.detail, QStringLiteral(R"(n is not a number: "many")"));
    QCOMPARE(o.display, QStringLiteral("rate([BODY].n) (many) > 0"));
}

void TestCondition::deltaWindow()
{
    ConditionMemory memory;
    const QString expr = QStringLiteral("delta([BODY].errors, 2m) < 10");
    const auto poll = [&](int seconds, int errors) {
        return run(expr, withBody(QByteArray(R"({"errors": )") + QByteArray::number(errors) + '}'),
                   kNow.addSecs(seconds), &memory);
    };
    ConditionOutcome o = poll(0, 100);
    QVERIFY(o.insufficientData);
    QCOMPARE(o.detail, QStringLiteral("not enough data for delta([BODY].errors, 2m)"));
    QVERIFY(poll(60, 104).success);        // 4 since t=0
    o = poll(120, 112);                    // 12 since t=0, still inside the window
    QVERIFY(!o.success);
    QCOMPARE(o.display, QStringLiteral("delta([BODY].errors, 2m) (12) < 10"));
    QVERIFY(poll(150, 112).success); // t=0 left the window: 8 since t=60
    o = poll(200, 130);              // 18 since t=120, the oldest inside [80 s, 200 s)
    QCOMPARE(o.display, QStringLiteral("delta([BODY].errors, 2m) (18) < 10"));
    o = poll(600, 500); // every sample is older than the window
    QVERIFY(o.insufficientData);
    QVERIFY(!o.success);
}

void TestCondition::rateAndDeltaShareASeries()
{
    ConditionMemory memory;
    const auto both = [&](int seconds, int n) {
        const ProbeResult r = withBody(QByteArray(R"({"n": )") + QByteArray::number(n) + '}');
        return std::pair { run(QStringLiteral("rate([BODY].n) > 0"), r, kNow.addSecs(seconds), &memory),
                           run(QStringLiteral("delta([BODY].n, 5m) > 15"), r, kNow.addSecs(seconds), &memory) };
    };
    both(0, 0);
    both(10, 10);
    const auto [rate, delta] = both(20, 20);
    QCOMPARE(rate.display, QStringLiteral("rate([BODY].n) > 0"));
    QVERIFY(rate.success);
    QVERIFY(delta.success); // 20 since t=0: the rate's samples did not cut the window short
    const auto *samples = memory.samples(QStringLiteral("[BODY].n"));
    QVERIFY(samples);
    QCOMPARE(samples->size(), size_t(3)); // one sample per poll, not per condition
}

void TestCondition::memoryPrunesToTheWindow()
{
    ConditionMemory memory;
    const QString series = QStringLiteral("[BODY].x");
    for (int i = 0; i < 10; ++i)
        memory.record(series, kNow.addSecs(i * 10), i, 30'000);
    const auto *samples = memory.samples(series);
    QVERIFY(samples);
    QCOMPARE(samples->size(), size_t(4)); // 60, 70, 80, 90 s
    QCOMPARE(samples->front().value, 6.0);
    // The clock went back: what lies after the new sample is dropped.
    memory.record(series, kNow.addSecs(75), 42, 30'000);
    QCOMPARE(samples->back().value, 42.0);
    QCOMPARE(samples->size(), size_t(3));
    QVERIFY(!memory.samples(QStringLiteral("other")));
    memory.clear();
    QVERIFY(!memory.samples(series));
}

void TestCondition::invalidExpressions_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("error");
    QTest::newRow("no-operator") << "[STATUS]" << "invalid condition: [STATUS]";
    QTest::newRow("empty") << "" << "invalid condition: ";
    QTest::newRow("operator-without-spaces") << "[TTL]>5" << "invalid condition: [TTL]>5";
    QTest::newRow("delta-without-window") << "delta([BODY].n) > 0"
                                          << "delta() needs a window, as in delta([BODY].count, 5m)";
    QTest::newRow("delta-bad-window") << "delta([BODY].n, soon) > 0"
                                      << "delta() needs a window, as in delta([BODY].count, 5m)";
    QTest::newRow("age-of-a-literal") << "age(yesterday) < 60s"
                                      << "age() takes one placeholder, such as [BODY].last_activity";
    QTest::newRow("age-with-layout") << "age([BODY].t, 2006-01-02) < 60s"
                                     << "age() takes one placeholder, such as [BODY].last_activity";
    QTest::newRow("rate-empty") << "rate() > 0" << "rate() takes one placeholder, such as [BODY].last_activity";
    QTest::newRow("age-against-a-word") << "age([BODY].t) < potato"
                                        << "'potato' is neither a number nor a duration such as 60s";
    QTest::newRow("rate-against-a-pattern") << "rate([BODY].n) == pat(1*)"
                                            << "'pat(1*)' is neither a number nor a duration such as 60s";
}

void TestCondition::invalidExpressions()
{
    QFETCH(QString, condition);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!Condition::parse(condition, &why));
    QCOMPARE(why, error);
    QVERIFY(!Condition::parse(condition)); // no error pointer: no crash
}

void TestCondition::hostileInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x80{\"a\":", 9);
    QTest::newRow("invalid-utf8-string") << QByteArray("{\"a\": \"\xc3\x28\"}");
    QTest::newRow("invalid-json") << QByteArray("{\"a\": [1, 2,}");
    QTest::newRow("huge-number") << QByteArray(R"({"a": 1e400, "n": 99999999999999999999999999999})");
    QTest::newRow("deep-nesting") << QByteArray(50'000, '[') + QByteArray(50'000, ']');
    QTest::newRow("big-body") << QByteArray(4 << 20, 'x');
    QTest::newRow("empty") << QByteArray();
}

void TestCondition::hostileInput()
{
    QFETCH(QByteArray, body);
    const QStringList conditions = {
        QStringLiteral("[BODY].a == 1"),
        QStringLiteral("[BODY].a[0][1].b > 99999999999999999999999"),
        QStringLiteral("len([BODY]) > 0"),
        QStringLiteral("len([BODY].a) < 1e400"),
        QStringLiteral("has([BODY].n) == true"),
        QStringLiteral("[BODY] == pat(*[*)"),
        QStringLiteral("[BODY].n < -9223372036854775809"),
        QStringLiteral("age([BODY].a) < 60s"),
        QStringLiteral("rate([BODY].n) > 0"),
        QStringLiteral("delta([BODY].a, 1m) > 0"),
        QStringLiteral("[RESPONSE_TIME] < 99999999999h"),
    };
    ConditionMemory memory;
    for (const QString &expr : conditions) {
        for (int poll = 0; poll < 2; ++poll) {
            const ConditionOutcome o = run(expr, withBody(body), kNow.addSecs(poll), &memory);
            QVERIFY2(!o.display.isEmpty(), qPrintable(expr));
        }
    }
}

QTEST_GUILESS_MAIN(TestCondition)
#include "tst_condition.moc"
