#include "health/condition.h"
#include "health/evaluator.h"
#include "health/promtext.h"
#include "support/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hd;

namespace {

const QDateTime kNow(QDate(2026, 11, 22), QTime(10, 15, 0), QTimeZone::utc());

ConditionOutcome run(const QString& expression, const ProbeResult& result, const QDateTime& now = kNow,
    ConditionMemory* memory = nullptr)
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

ProbeResult withBody(const QByteArray& body)
{
    ProbeResult r;
    r.body = body;
    return r;
}

QJsonArray readCases(const QString& file)
{
    const QJsonDocument doc = QJsonDocument::fromJson(hdtest::readData(file));
    return doc.isArray() ? doc.array()
                         : doc.object().value(doc.object().contains(u"cases") ? u"cases" : u"skipped").toArray();
}

} // namespace

class TestCondition : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gatusTable_data();
    void gatusTable();
    void gatusValidation_data();
    void gatusValidation();
    void certificateCases_data();
    void certificateCases();
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
    void metricSamples_data();
    void metricSamples();
    void metricExpressions_data();
    void metricExpressions();
    void metricRateAcrossAReset();
    void metricDeltaCountsCounterResets();
    void metricDeltaOfAGauge();
    void metricUsesTheGivenParse();
    void evaluatorWithMetricConditions();
    void seriesValueAndLabels_data();
    void seriesValueAndLabels();
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
    for (const QJsonValue& v : cases) {
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
    for (const QJsonValue& v : cases) {
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

// Gatus' certificate cases, apart from its main table because they set the expiry
// (certificate_expiration_ms) where the others set a body; [CONTEXT] needs Gatus suites.
void TestCondition::certificateCases_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<qint64>("expirationMs");
    QTest::addColumn<bool>("success");
    QTest::addColumn<QString>("display");
    int index = 0;
    for (const QJsonValue& v : readCases(QStringLiteral("gatus-condition-cases-skipped.json"))) {
        const QJsonObject c = v.toObject();
        if (c[u"condition"].toString().isEmpty())
            continue;
        QTest::newRow(qPrintable(c[u"name"].toString() + u'-' + QString::number(++index)))
            << c[u"condition"].toString() << qint64(c[u"certificate_expiration_ms"].toDouble())
            << c[u"expected_success"].toBool() << c[u"expected_output"].toString();
    }
    QCOMPARE(index, 5);
    // Beyond the table: an expired certificate, and plain HTTP (no certificate reads as 0, as in Gatus).
    QTest::newRow("expired") << QStringLiteral("[CERTIFICATE_EXPIRATION] > 48h") << qint64(-90'000'000) << false
                             << QStringLiteral("[CERTIFICATE_EXPIRATION] (-25h) > 48h");
    QTest::newRow("hours and minutes") << QStringLiteral("[CERTIFICATE_EXPIRATION] > 2h") << qint64(5'400'000) << false
                                       << QStringLiteral("[CERTIFICATE_EXPIRATION] (1h30m) > 2h");
}

void TestCondition::certificateCases()
{
    QFETCH(QString, condition);
    QFETCH(qint64, expirationMs);
    QFETCH(bool, success);
    QFETCH(QString, display);
    ProbeResult r;
    if (expirationMs != 0)
        r.certificateExpirationMs = expirationMs;
    const std::optional<Condition> c = Condition::parse(condition);
    QVERIFY(c);
    ConditionInput input;
    input.result = &r;
    input.now = kNow;
    const ConditionOutcome o = c->evaluate(input);
    QCOMPARE(o.success, success);
    QCOMPARE(o.display, display);
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
    QTest::newRow("float-truncated-for-ordering")
        << "[BODY].v > 0" << QByteArray(R"({"v": 0.7})") << false << "[BODY].v (0) > 0";
    QTest::newRow("large-json-number-prints-in-exponent-form")
        << "[BODY].n == 1234567" << QByteArray(R"({"n": 1234567})") << false << "[BODY].n (1.234567e+06) == 1234567";
    QTest::newRow("large-json-number-orders-fine")
        << "[BODY].n >= 1234567" << QByteArray(R"({"n": 1234567})") << true << "[BODY].n >= 1234567";
    QTest::newRow("leading-zero-is-octal") << "[BODY] == 8" << QByteArray("010") << true << "[BODY] == 8";
    QTest::newRow("only-first-two-operands") << "1 == 1 == 2" << QByteArray() << true << "1 == 1 == 2";
    QTest::newRow("has-body") << "has([BODY]) == true" << QByteArray("  ") << false << "has([BODY]) (false) == true";
    QTest::newRow("len-unknown-placeholder")
        << "len([NOPE]) == 0" << QByteArray() << false << "len([NOPE]) (INVALID) == 0";
    QTest::newRow("not-equal-resolves") << "[BODY].a != 1" << QByteArray(R"({"a": 1})") << false << "[BODY].a (1) != 1";
    QTest::newRow("long-value-cut-in-display")
        << "[BODY] == short" << QByteArray(300, 'x') << false
        << QString(u"[BODY] (" + QString(200, u'x') + u"...(truncated)) == short");
    QTest::newRow("any-both-sides-compare-lists")
        << "any(1, 2) == any(1, 2)" << QByteArray() << true << "any(1, 2) == any(1, 2)";
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
        << QByteArray(R"({"last_activity": "2026-11-22T15:43:25+05:30"})") << "age([BODY].last_activity) < 60s" << false
        << "age([BODY].last_activity) (95) < 60s";
    QTest::newRow("iso-without-zone-is-utc")
        << QByteArray(R"({"last_activity": "2026-11-22T10:13:25.123456"})") << "age([BODY].last_activity) < 60s"
        << false << "age([BODY].last_activity) (94) < 60s";
    QTest::newRow("iso-fraction-fresh") << QByteArray(R"({"last_activity": "2026-11-22T10:14:59.999Z"})")
                                        << "age([BODY].last_activity) < 1s" << true << "age([BODY].last_activity) < 1s";
    QTest::newRow("epoch-seconds") << QByteArray(R"({"ts": 1795342405})") << "age([BODY].ts) < 5m" << true
                                   << "age([BODY].ts) < 5m";
    QTest::newRow("epoch-seconds-as-string-stale")
        << QByteArray(R"({"ts": "1795342000"})") << "age([BODY].ts) < 5m" << false << "age([BODY].ts) (500) < 5m";
    QTest::newRow("epoch-seconds-fraction")
        << QByteArray(R"({"ts": 1795342490.5})") << "age([BODY].ts) <= 9" << true << "age([BODY].ts) <= 9";
    QTest::newRow("epoch-milliseconds") << QByteArray(R"({"ts": 1795342440000})") << "age([BODY].ts) > 59" << true
                                        << "age([BODY].ts) > 59";
    QTest::newRow("epoch-milliseconds-stale")
        << QByteArray(R"({"ts": 1795342440000})") << "age([BODY].ts) < 30s" << false << "age([BODY].ts) (60) < 30s";
    QTest::newRow("future-passes-max-age")
        << QByteArray(R"({"last_activity": "2026-11-22T10:16:00Z"})") << "age([BODY].last_activity) < 60s" << true
        << "age([BODY].last_activity) < 60s";
    QTest::newRow("duration-on-the-left")
        << QByteArray(R"({"last_activity": "2026-11-22T10:00:00Z"})") << "10m > age([BODY].last_activity)" << false
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
    QVERIFY(poll(60, 104).success); // 4 since t=0
    o = poll(120, 112); // 12 since t=0, still inside the window
    QVERIFY(!o.success);
    QCOMPARE(o.display, QStringLiteral("delta([BODY].errors, 2m) (12) < 10"));
    QVERIFY(poll(150, 112).success); // t=0 left the window: 8 since t=60
    o = poll(200, 130); // 18 since t=120, the oldest inside [80 s, 200 s)
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
    const auto* samples = memory.samples(QStringLiteral("[BODY].n"));
    QVERIFY(samples);
    QCOMPARE(samples->size(), size_t(3)); // one sample per poll, not per condition
}

void TestCondition::memoryPrunesToTheWindow()
{
    ConditionMemory memory;
    const QString series = QStringLiteral("[BODY].x");
    for (int i = 0; i < 10; ++i)
        memory.record(series, kNow.addSecs(i * 10), i, 30'000);
    const auto* samples = memory.samples(series);
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
    QTest::newRow("no-operator") << "[STATUS]"
                                 << "invalid condition: [STATUS]";
    QTest::newRow("empty") << ""
                           << "invalid condition: ";
    QTest::newRow("operator-without-spaces") << "[TTL]>5"
                                             << "invalid condition: [TTL]>5";
    QTest::newRow("delta-without-window") << "delta([BODY].n) > 0"
                                          << "delta() needs a window, as in delta([BODY].count, 5m)";
    QTest::newRow("delta-bad-window") << "delta([BODY].n, soon) > 0"
                                      << "delta() needs a window, as in delta([BODY].count, 5m)";
    QTest::newRow("age-of-a-literal") << "age(yesterday) < 60s"
                                      << "age() takes one placeholder, such as [BODY].last_activity";
    QTest::newRow("age-with-layout") << "age([BODY].t, 2006-01-02) < 60s"
                                     << "age() takes one placeholder, such as [BODY].last_activity";
    QTest::newRow("rate-empty") << "rate() > 0"
                                << "rate() takes one placeholder, such as [BODY].last_activity";
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
    for (const QString& expr : conditions) {
        for (int poll = 0; poll < 2; ++poll) {
            const ConditionOutcome o = run(expr, withBody(body), kNow.addSecs(poll), &memory);
            QVERIFY2(!o.display.isEmpty(), qPrintable(expr));
        }
    }
}

namespace {

ProbeResult metricsBody(const QByteArray& body, const QByteArray& contentType = "text/plain; version=0.0.4")
{
    ProbeResult r = withBody(body);
    r.contentType = contentType;
    return r;
}

QByteArray counterBody(const char* name, int value)
{
    return "# TYPE " + QByteArray(name) + " counter\n" + name + "_total{method=\"GET\"} " + QByteArray::number(value)
        + "\n";
}

} // namespace

void TestCondition::metricSamples_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("success");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QString>("detail");
    const QByteArray text = "text/plain; version=0.0.4";
    const QByteArray messenger = hdtest::readData(QStringLiteral("prometheus/messenger-metrics.txt"));
    const auto row = [&](const char* name, const QString& condition, bool success, const QString& display,
                         const QString& detail = {}, const QByteArray& body = {}, const QByteArray& type = {}) {
        QTest::newRow(name) << condition << (body.isEmpty() ? messenger : body) << (type.isEmpty() ? text : type)
                            << success << display << detail;
    };
    const QString redis = QStringLiteral(R"([METRIC].messenger_health_check_status{check="redis"})");
    row("the contract's example, failing", redis + u" == 1", false, redis + u" (0) == 1");
    row("the contract's example, passing", redis + u" == 0", true, redis + u" == 0");
    row("labels in any order, spaces allowed",
        QStringLiteral(R"([METRIC].messenger_requests_total{ code="200", method="POST" } == 3)"), true,
        QStringLiteral(R"([METRIC].messenger_requests_total{ code="200", method="POST" } == 3)"));
    row("no such series", QStringLiteral(R"([METRIC].messenger_health_check_status{check="kafka2"} == 1)"), false,
        QStringLiteral(R"([METRIC].messenger_health_check_status{check="kafka2"} (INVALID) == 1)"),
        QStringLiteral(R"(no such series: messenger_health_check_status{check="kafka2"})"));
    row("no such metric", QStringLiteral("[METRIC].nope != 1"), false, QStringLiteral("[METRIC].nope (INVALID) != 1"),
        QStringLiteral("no such series: nope"));
    row("histogram bucket",
        QStringLiteral(R"([METRIC].messenger_health_check_duration_seconds_bucket{check="database",le="0.1"} >= 245)"),
        true,
        QStringLiteral(R"([METRIC].messenger_health_check_duration_seconds_bucket{check="database",le="0.1"} >= 245)"));
    row("histogram sum, compared as a number",
        QStringLiteral(R"([METRIC].messenger_health_check_duration_seconds_sum{check="database"} > 11.6)"), false,
        QStringLiteral(R"([METRIC].messenger_health_check_duration_seconds_sum{check="database"} (11.5) > 11.6)"));
    row("histogram count", QStringLiteral("[METRIC].messenger_health_check_duration_seconds_count == 250"), true,
        QStringLiteral("[METRIC].messenger_health_check_duration_seconds_count == 250"));
    row("no braces, one series", QStringLiteral("[METRIC].messenger_queue_depth < 5"), false,
        QStringLiteral("[METRIC].messenger_queue_depth (7) < 5"));
    row("ambiguous: several series match", QStringLiteral("[METRIC].messenger_requests_total > 0"), false,
        QStringLiteral("[METRIC].messenger_requests_total (INVALID) > 0"),
        QStringLiteral(
            R"(2 series match messenger_requests_total, name more labels: {code="200",method="GET"}, {code="200",method="POST"})"));
    row("ambiguous with a label", QStringLiteral(R"([METRIC].messenger_requests_total{code="200"} > 0)"), false,
        QStringLiteral(R"([METRIC].messenger_requests_total{code="200"} (INVALID) > 0)"),
        QStringLiteral(
            R"(2 series match messenger_requests_total{code="200"}, name more labels: {code="200",method="GET"}, {code="200",method="POST"})"));
    row("the series with exactly these labels wins", QStringLiteral("[METRIC].up == 1"), true,
        QStringLiteral("[METRIC].up == 1"), {}, "up{job=\"a\"} 0\nup 1\nup{job=\"b\"} 0\n");
    row("one series written twice: the last line counts", QStringLiteral("[METRIC].a == 2"), true,
        QStringLiteral("[METRIC].a == 2"), {}, "a 1 100\na 2 200\n");
    row("NaN is never equal", QStringLiteral("[METRIC].x == 1"), false, QStringLiteral("[METRIC].x (NaN) == 1"), {},
        "x NaN\n");
    row("+Inf", QStringLiteral("[METRIC].x > 1e300"), true, QStringLiteral("[METRIC].x > 1e300"), {}, "x +Inf\n");
    row("not Prometheus text", QStringLiteral("[METRIC].x == 1"), false, QStringLiteral("[METRIC].x (INVALID) == 1"),
        QStringLiteral(R"(the body is not Prometheus text (line 1: expected float as value, got "metrics"))"),
        "x metrics\n");
    row("openmetrics", QStringLiteral("[METRIC].c_total == 5"), true, QStringLiteral("[METRIC].c_total == 5"), {},
        "# TYPE c counter\nc_total 5 # {trace=\"a\"} 1\n# EOF\n", "application/openmetrics-text; version=1.0.0");
    row("has(), present", QStringLiteral("has([METRIC].messenger_queue_depth) == true"), true,
        QStringLiteral("has([METRIC].messenger_queue_depth) == true"));
    row("has(), absent", QStringLiteral(R"(has([METRIC].messenger_queue_depth{x="y"}) == true)"), false,
        QStringLiteral(R"(has([METRIC].messenger_queue_depth{x="y"}) (false) == true)"));
    row("escaped label value", QStringLiteral(R"([METRIC].m{path="a\"b\\c"} == 4)"), true,
        QStringLiteral(R"([METRIC].m{path="a\"b\\c"} == 4)"), {},
        R"(m{path="a\"b\\c"} 4)"
        "\n");
    row("age() of a timestamp sample", QStringLiteral("age([METRIC].last_success_seconds) < 60s"), true,
        QStringLiteral("age([METRIC].last_success_seconds) < 60s"), {},
        QByteArray::number(kNow.addSecs(-30).toSecsSinceEpoch()).prepend("last_success_seconds ") + "\n");
}

void TestCondition::metricSamples()
{
    QFETCH(QString, condition);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(bool, success);
    QFETCH(QString, display);
    QFETCH(QString, detail);
    const ConditionOutcome o = run(condition, metricsBody(body, contentType));
    QCOMPARE(o.success, success);
    QCOMPARE(o.display, display);
    QCOMPARE(o.detail, detail);
    QVERIFY(!o.insufficientData);
}

void TestCondition::metricExpressions_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("error"); // empty: valid
    QTest::newRow("plain") << R"([METRIC].a{b="c",d="e"} == 1)"
                           << "";
    QTest::newRow("lower-case placeholder") << "[metric].a >= 0.5"
                                            << "";
    QTest::newRow("rate with labels") << R"(rate([METRIC].a_total{b="c",d="e"}) > 0)"
                                      << "";
    QTest::newRow("delta with labels") << R"(delta([METRIC].a_total{b="c",d="e"}, 5m) > 0)"
                                       << "";
    QTest::newRow("no name") << "[METRIC]. == 1"
                             << R"([METRIC] needs a metric name, as in [METRIC].up{job="api"})";
    QTest::newRow("no dot") << "[METRIC] == 1"
                            << R"([METRIC] needs a metric name, as in [METRIC].up{job="api"})";
    QTest::newRow("unquoted value") << "[METRIC].a{b=c} == 1"
                                    << "label b needs a value in double quotes in [METRIC].a{b=c}";
    QTest::newRow("unclosed braces") << R"([METRIC].a{b="c" == 1)"
                                     << R"(, or } is expected in [METRIC].a{b="c")";
    QTest::newRow("label twice") << R"([METRIC].a{b="1",b="2"} == 1)"
                                 << R"(label b is given twice in [METRIC].a{b="1",b="2"})";
    QTest::newRow("text after the braces") << R"([METRIC].a{b="1"}x == 1)"
                                           << R"(nothing may follow } in [METRIC].a{b="1"}x)";
    QTest::newRow("compared with a word") << "[METRIC].a == up"
                                          << "'up' is neither a number nor a duration such as 60s";
    QTest::newRow("rate of two") << "rate([METRIC].a, [METRIC].b) > 0"
                                 << "rate() takes one placeholder, such as [BODY].last_activity";
    QTest::newRow("value against a word") << "[VALUE] == up"
                                          << "'up' is neither a number nor a duration such as 60s";
    QTest::newRow("labels compare as text") << "[LABELS].job == trading"
                                            << "";
}

void TestCondition::metricExpressions()
{
    QFETCH(QString, condition);
    QFETCH(QString, error);
    QString why;
    const std::optional<Condition> c = Condition::parse(condition, &why);
    QCOMPARE(bool(c), error.isEmpty());
    QCOMPARE(why, error);
    if (c)
        QCOMPARE(c->usesMetrics(), condition.contains(u"[METRIC]", Qt::CaseInsensitive));
}

void TestCondition::metricRateAcrossAReset()
{
    ConditionMemory memory;
    const QString expr = QStringLiteral(R"(rate([METRIC].requests_total{method="GET"}) >= 5)");
    ConditionOutcome o = run(expr, metricsBody(counterBody("requests", 1000)), kNow, &memory);
    QVERIFY(o.insufficientData);
    QCOMPARE(o.detail, u"not enough data for " + expr.left(expr.indexOf(u" >=")));
    o = run(expr, metricsBody(counterBody("requests", 1100)), kNow.addSecs(10), &memory);
    QVERIFY(o.success); // 10 per second
    // The process restarted: 30 since then, not -1070.
    o = run(expr, metricsBody(counterBody("requests", 30)), kNow.addSecs(20), &memory);
    QVERIFY(!o.success);
    QVERIFY(!o.insufficientData);
    QCOMPARE(o.display, QStringLiteral(R"(rate([METRIC].requests_total{method="GET"}) (3) >= 5)"));
    // A series that vanished is a failure, not missing history.
    o = run(expr, metricsBody("other 1\n"), kNow.addSecs(30), &memory);
    QVERIFY(!o.success);
    QVERIFY(!o.insufficientData);
    QCOMPARE(o.detail, QStringLiteral(R"(no such series: requests_total{method="GET"})"));
}

void TestCondition::metricDeltaCountsCounterResets()
{
    ConditionMemory memory;
    const QString expr = QStringLiteral("delta([METRIC].errors_total, 5m) > 100");
    const auto poll = [&](int seconds, int value) {
        return run(expr, metricsBody(counterBody("errors", value)), kNow.addSecs(seconds), &memory);
    };
    QVERIFY(poll(0, 100).insufficientData);
    QVERIFY(!poll(60, 150).success); // +50
    QVERIFY(!poll(120, 20).success); // restarted: +20
    const ConditionOutcome o = poll(180, 50); // +30: 100 in all, where 50 - 100 would say -50
    QVERIFY(!o.success);
    QCOMPARE(o.display, QStringLiteral("delta([METRIC].errors_total, 5m) (100) > 100"));
    QVERIFY(poll(240, 51).success); // 101
}

void TestCondition::metricDeltaOfAGauge()
{
    ConditionMemory memory;
    const QString expr = QStringLiteral("delta([METRIC].queue_depth, 5m) < 0");
    const auto poll = [&](int seconds, int value) {
        return run(expr, metricsBody("# TYPE queue_depth gauge\nqueue_depth " + QByteArray::number(value) + "\n"),
            kNow.addSecs(seconds), &memory);
    };
    poll(0, 10);
    poll(60, 25);
    const ConditionOutcome o = poll(120, 4); // a gauge going down is no restart: 4 - 10
    QVERIFY(o.success);
    QVERIFY(!poll(180, 12).success);
}

void TestCondition::metricUsesTheGivenParse()
{
    // The evaluator hands every condition the same parse; the body is then not read again.
    const prom::Exposition given = prom::parse("a 42\n", prom::Format::Text);
    const ProbeResult r = metricsBody("a 1\n");
    const std::optional<Condition> c = Condition::parse(QStringLiteral("[METRIC].a == 42"));
    QVERIFY(c);
    ConditionInput input;
    input.result = &r;
    input.now = kNow;
    input.metrics = &given;
    QVERIFY(c->evaluate(input).success);
    input.metrics = nullptr;
    QVERIFY(!c->evaluate(input).success);
}

void TestCondition::evaluatorWithMetricConditions()
{
    CheckConfig check;
    check.service = QStringLiteral("messenger");
    check.name = QStringLiteral("metrics");
    check.kind = ProbeKind::Http;
    for (const char* expression : { R"([METRIC].messenger_health_check_status{check="redis"} == 1)",
             R"([METRIC].messenger_health_check_status{check="database"} == 1)",
             R"([METRIC].messenger_health_check_status{check="nats"} == 1)" })
        check.conditions.append(ConditionSpec { QString::fromUtf8(expression), false, {} });
    const CheckEvaluator evaluator(check);
    ProbeResult r = metricsBody(hdtest::readData(QStringLiteral("prometheus/messenger-metrics.txt")));
    r.status = 200;
    r.connected = true;
    const CheckEvaluation e = evaluator.evaluate(r, kNow, nullptr);
    QCOMPARE(e.status, Status::Down);
    QCOMPARE(e.format, u"prometheus");
    QCOMPARE(e.conditions.size(), 3);
    QVERIFY(!e.conditions[0].success);
    QVERIFY(e.conditions[1].success);
    QCOMPARE(e.conditions[2].detail, QStringLiteral(R"(no such series: messenger_health_check_status{check="nats"})"));
    QVERIFY(e.detail.contains(u"no such series"));
}

void TestCondition::seriesValueAndLabels_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("hasSeries");
    QTest::addColumn<bool>("success");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QString>("detail");
    QTest::newRow("value equal") << "[VALUE] == 1" << true << true << "[VALUE] == 1"
                                 << "";
    QTest::newRow("value as a number") << "[VALUE] > 0.5" << true << true << "[VALUE] > 0.5"
                                       << "";
    QTest::newRow("value failing") << "[VALUE] == 0" << true << false << "[VALUE] (1) == 0"
                                   << "";
    QTest::newRow("no series value") << "[VALUE] == 1" << false << false << "[VALUE] (INVALID) == 1"
                                     << "the result has no series value";
    QTest::newRow("label") << "[LABELS].instance == 10.0.0.1:9100" << true << true
                           << "[LABELS].instance == 10.0.0.1:9100"
                           << "";
    QTest::newRow("label failing") << "[LABELS].job == other" << true << false << "[LABELS].job (trading) == other"
                                   << "";
    QTest::newRow("metric name") << "[LABELS].__name__ == up" << true << true << "[LABELS].__name__ == up"
                                 << "";
    QTest::newRow("label pattern") << "[LABELS].instance == pat(10.0.*)" << true << true
                                   << "[LABELS].instance == pat(10.0.*)"
                                   << "";
    QTest::newRow("missing label") << "[LABELS].zone == eu" << true << false << "[LABELS].zone (INVALID) == eu"
                                   << "the series has no label zone";
    QTest::newRow("missing label, negated") << "[LABELS].zone != eu" << true << true << "[LABELS].zone != eu"
                                            << "";
    QTest::newRow("label as a number") << "[LABELS].port > 9000" << true << true << "[LABELS].port > 9000"
                                       << "";
    QTest::newRow("has a label") << "has([LABELS].zone) == false" << true << true << "has([LABELS].zone) == false"
                                 << "";
}

void TestCondition::seriesValueAndLabels()
{
    QFETCH(QString, condition);
    QFETCH(bool, hasSeries);
    QFETCH(bool, success);
    QFETCH(QString, display);
    QFETCH(QString, detail);
    ProbeResult r;
    if (hasSeries) {
        r.seriesValue = 1;
        r.seriesLabels = { { QStringLiteral("__name__"), QStringLiteral("up") },
            { QStringLiteral("instance"), QStringLiteral("10.0.0.1:9100") },
            { QStringLiteral("job"), QStringLiteral("trading") }, { QStringLiteral("port"), QStringLiteral("9100") } };
    }
    const ConditionOutcome o = run(condition, r);
    QCOMPARE(o.success, success);
    QCOMPARE(o.display, display);
    QCOMPARE(o.detail, detail);
}

QTEST_GUILESS_MAIN(TestCondition)
#include "tst_condition.moc"
