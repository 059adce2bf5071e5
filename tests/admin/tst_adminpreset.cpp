// The trading-system preset as a front end reads it: the scheduler status and cache statistics parsed from the
// backend's answers, the read that follows each action, and cache-clear's parameters.
#include "admin/adminpreset.h"

#include <QJsonDocument>
#include <QtTest>

using namespace hd;

namespace {

AdminResult answer(const QString& action, const QByteArray& json, AdminOutcome outcome = AdminOutcome::Success)
{
    AdminResult r;
    r.action = action;
    r.outcome = outcome;
    r.httpStatus = 200;
    r.response = QJsonDocument::fromJson(json).object();
    return r;
}

// As the trading backend answers scheduler-status (and scheduler-control, with the state after the change).
const QByteArray kStatus = R"({"success": true, "data": {"running": true, "jobs": [
    {"id": "update_orders", "name": "미체결 주문 업데이트", "job_type": "update_orders",
     "trigger": "interval[0:01:00]", "next_run_time": "2026-12-06T10:01:00.250+00:00"},
    {"id": "daily_summary", "name": "", "job_type": "daily_summary", "trigger": "cron[hour='9']",
     "next_run_time": null}]}})";

} // namespace

class TestAdminPreset : public QObject {
    Q_OBJECT
private slots:
    void schedulerStatus();
    void schedulerStateFromTheStateField();
    void schedulerStatusFromAControlAnswer();
    void noSchedulerStatusFromOtherAnswers_data();
    void noSchedulerStatusFromOtherAnswers();
    void cacheStats();
    void noCacheStatsFromOtherAnswers();
    void readBackAction();
    void cacheClearParams();
};

void TestAdminPreset::schedulerStatus()
{
    const auto status = parseSchedulerStatus(answer(TradingPreset::kSchedulerStatus, kStatus));
    QVERIFY(status);
    QVERIFY(status->running);
    QCOMPARE(status->jobs.size(), 2);
    const SchedulerJob& job = status->jobs.first();
    QCOMPARE(job.id, QStringLiteral("update_orders"));
    QCOMPARE(job.name, QStringLiteral("미체결 주문 업데이트"));
    QCOMPARE(job.jobType, QStringLiteral("update_orders"));
    QCOMPARE(job.trigger, QStringLiteral("interval[0:01:00]"));
    QCOMPARE(job.nextRun, QDateTime(QDate(2026, 12, 6), QTime(10, 1, 0, 250), Qt::UTC));
    QVERIFY(!status->jobs.last().nextRun.isValid()); // not scheduled
    QCOMPARE(status->jobName(QStringLiteral("update_orders")), QStringLiteral("미체결 주문 업데이트"));
    QCOMPARE(status->jobName(QStringLiteral("daily_summary")), QString()); // the backend gives no name
    QCOMPARE(status->jobName(QStringLiteral("calculate_pnl")), QString());
    QCOMPARE(status->jobsOfType(QStringLiteral("daily_summary")).size(), 1);
    QVERIFY(status->jobsOfType(QStringLiteral("calculate_pnl")).isEmpty());
}

void TestAdminPreset::schedulerStateFromTheStateField()
{
    auto status = parseSchedulerStatus(
        answer(TradingPreset::kSchedulerStatus, R"({"success": true, "data": {"state": "running"}})"));
    QVERIFY(status);
    QVERIFY(status->running);
    QVERIFY(status->jobs.isEmpty());
    status = parseSchedulerStatus(
        answer(TradingPreset::kSchedulerStatus, R"({"success": true, "data": {"state": "paused"}})"));
    QVERIFY(status);
    QVERIFY(!status->running);
    // "running" wins over "state" when both are given.
    status = parseSchedulerStatus(answer(
        TradingPreset::kSchedulerStatus, R"({"success": true, "data": {"running": false, "state": "running"}})"));
    QVERIFY(status);
    QVERIFY(!status->running);
}

void TestAdminPreset::schedulerStatusFromAControlAnswer()
{
    const auto status = parseSchedulerStatus(answer(TradingPreset::kSchedulerStop,
        R"({"success": true, "message": "스케줄러가 중지되었습니다", "data": {"running": false, "jobs": []}})"));
    QVERIFY(status);
    QVERIFY(!status->running);
}

void TestAdminPreset::noSchedulerStatusFromOtherAnswers_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("outcome");
    QTest::newRow("failed status read") << TradingPreset::kSchedulerStatus << kStatus << int(AdminOutcome::Failure);
    QTest::newRow("unknown outcome") << TradingPreset::kSchedulerStatus << kStatus << int(AdminOutcome::Unknown);
    QTest::newRow("control answer without jobs")
        << TradingPreset::kSchedulerStart << QByteArray(R"({"success": true, "data": {"running": true}})")
        << int(AdminOutcome::Success);
    QTest::newRow("cache stats") << TradingPreset::kCacheStats
                                 << QByteArray(R"({"success": true, "data": {"total_clients": 3}})")
                                 << int(AdminOutcome::Success);
}

void TestAdminPreset::noSchedulerStatusFromOtherAnswers()
{
    QFETCH(QString, action);
    QFETCH(QByteArray, json);
    QFETCH(int, outcome);
    QVERIFY(!parseSchedulerStatus(answer(action, json, AdminOutcome(outcome))));
}

void TestAdminPreset::cacheStats()
{
    const auto stats = parseCacheStats(answer(TradingPreset::kCacheStats,
        R"({"success": true, "data": {"total_clients": 7, "active_clients": 6, "expired_clients": 1,
            "max_size": 100, "ttl": 300, "entries": {"exchange": 6, "price": 12},
            "by_exchange": {"binance": 4, "upbit": 3}}})"));
    QVERIFY(stats);
    QCOMPARE(stats->text(QStringLiteral("total_clients")), QStringLiteral("7"));
    QCOMPARE(stats->text(QStringLiteral("ttl")), QStringLiteral("300 s"));
    QCOMPARE(stats->text(QStringLiteral("entries")), QStringLiteral("exchange 6, price 12"));
    QCOMPARE(stats->text(QStringLiteral("missing")), QString());
    QCOMPARE(stats->exchanges, QStringList({ QStringLiteral("binance"), QStringLiteral("upbit") }));

    // Every field a front end shows is one the answer has.
    for (const CacheStatField& field : cacheStatFields()) {
        QVERIFY2(!stats->text(field.key).isEmpty(), qPrintable(field.key));
        QVERIFY(!field.label.isEmpty());
    }
}

void TestAdminPreset::noCacheStatsFromOtherAnswers()
{
    const QByteArray json = R"({"success": true, "data": {"total_clients": 7}})";
    QVERIFY(!parseCacheStats(answer(TradingPreset::kCacheStats, json, AdminOutcome::Failure)));
    QVERIFY(!parseCacheStats(answer(TradingPreset::kCacheClear, json)));
    AdminResult notJson = answer(TradingPreset::kCacheStats, {});
    notJson.response = QJsonValue(QJsonValue::Undefined);
    QVERIFY(!parseCacheStats(notJson));
}

void TestAdminPreset::readBackAction()
{
    using namespace TradingPreset;
    for (const QString& changes : { kSchedulerStart, kSchedulerStop, kSchedulerRestart, kTriggerJob })
        QCOMPARE(TradingPreset::readBackAction(changes), kSchedulerStatus);
    QCOMPARE(TradingPreset::readBackAction(kCacheClear), kCacheStats);
    for (const QString& reads : { kSchedulerStatus, kCacheStats, kTestTelegram, QStringLiteral("exchange-metadata") })
        QCOMPARE(TradingPreset::readBackAction(reads), QString());
}

void TestAdminPreset::cacheClearParams()
{
    QCOMPARE(TradingPreset::cacheClearParams(QStringLiteral("price"), QStringLiteral(" upbit "), QString()),
        AdminParams({ { QStringLiteral("type"), QStringLiteral("price") },
            { QStringLiteral("exchange"), QStringLiteral("upbit") } }));
    QCOMPARE(TradingPreset::cacheClearParams(QStringLiteral("all"), QString(), QStringLiteral("futures")),
        AdminParams({ { QStringLiteral("type"), QStringLiteral("all") },
            { QStringLiteral("market_type"), QStringLiteral("futures") } }));
    // The names and values the preset's cache-clear action takes.
    const QList<AdminAction> preset = adminPresetActions(QStringLiteral("trading-system"));
    const auto clear = std::find_if(
        preset.cbegin(), preset.cend(), [](const AdminAction& a) { return a.name == TradingPreset::kCacheClear; });
    QVERIFY(clear != preset.cend());
    const AdminParams params = TradingPreset::cacheClearParams(
        QStringLiteral("exchange"), QStringLiteral("binance"), TradingPreset::marketTypes().last());
    QCOMPARE(validateAdminParams(*clear, params), QString());
}

QTEST_GUILESS_MAIN(TestAdminPreset)
#include "tst_adminpreset.moc"
