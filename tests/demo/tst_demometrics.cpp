// The demo's Prometheus metrics, judged by the bundled config: the trading API's redis gauge follows the
// private redis-server.
#include "config/loadconfig.h"
#include "demo/demoenvironment.h"
#include "probing/oneshotrun.h"
#include "redis/redisserverprocess.h"

#include <QSignalSpy>
#include <QtTest>

using namespace hd;
using namespace Qt::StringLiterals;

class TestDemoMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void redisGaugeFollowsTheRedisServer()
    {
        DemoEnvironment env;
        QVERIFY2(env.start(), qPrintable(env.errorString()));
        QVERIFY2(env.redis(), "redis-server is a test dependency");
        const ConfigLoadResult loaded = loadValidatedConfig(env.configPath());
        QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));

        QHash<QString, CheckRow> rows = run(*loaded.config);
        QCOMPARE(rows.value(u"trading-api/metrics"_s).status, Status::Ok);
        QCOMPARE(rows.value(u"trading-api/components"_s).evaluation.format, u"prometheus"_s);
        QCOMPARE(rows.value(u"trading-api/components/redis"_s).status, Status::Ok);
        QCOMPARE(rows.value(u"trading-api/components/database"_s).status, Status::Ok);

        env.redis()->kill();
        rows = run(*loaded.config);
        const CheckRow metrics = rows.value(u"trading-api/metrics"_s);
        QCOMPARE(metrics.status, Status::Down);
        QVERIFY2(metrics.detail.contains(u"check=\"redis\""_s), qPrintable(metrics.detail));
        QCOMPARE(rows.value(u"trading-api/components/redis"_s).status, Status::Down);
        QCOMPARE(rows.value(u"trading-api/components/database"_s).status, Status::Ok);
    }

private:
    static QHash<QString, CheckRow> run(const Config& config)
    {
        OneShotRun run(config, CheckFilter { { u"trading-api"_s }, {} });
        QSignalSpy done(&run, &OneShotRun::finished);
        run.start();
        done.wait(20'000);
        QHash<QString, CheckRow> out;
        for (const CheckRow& row : run.rows())
            out.insert(row.key, row);
        return out;
    }
};

QTEST_GUILESS_MAIN(TestDemoMetrics)
#include "tst_demometrics.moc"
