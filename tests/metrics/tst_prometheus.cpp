// Against a real Prometheus (Debian's 2.42): it scrapes healthdeck's /metrics and the demo trading API's seed
// metrics, and healthdeck's `prometheus:` checks judge what it holds.
#include "config/configloader.h"
#include "demo/demobackend.h"
#include "demo/demotradingapi.h"
#include "metrics/metricsexporter.h"
#include "monitor/monitorengine.h"
#include "probing/oneshotrun.h"
#include "support/clirunner.h"
#include "support/prometheusserver.h"
#include "support/testutil.h"

#include <QSignalSpy>
#include <QtTest>
#include <cmath>

using namespace hd;
using namespace Qt::StringLiterals;

class TestPrometheus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
        m_engine.setConfig(load("services:\n"
                                "  - name: api\n"
                                "    group: core\n"
                                "    checks:\n"
                                "      - { name: live, interval: 1s, http: { url: \""
            + url("/health/live")
            + "\" } }\n"
              "      - { name: gone, interval: 1s, failure_threshold: 1, http: { url: \"http://127.0.0.1:"
            + QByteArray::number(hdtest::freePort()) + "/\" } }\n"));
        m_exporter = std::make_unique<MetricsExporter>(&m_engine);
        QString why;
        QVERIFY2(m_exporter->listen(u"127.0.0.1:"_s + QString::number(hdtest::freePort()), &why), qPrintable(why));
        m_engine.start();

        // `healthdeck monitor --metrics-listen` itself, as a user runs it.
        const QString monitorAddress = u"127.0.0.1:"_s + QString::number(hdtest::freePort());
        const QString config = hdtest::writeFile(m_dir, u"monitor.yaml"_s,
            "services:\n  - name: api\n    checks:\n      - { name: live, interval: 1s, http: { url: \""
                + url("/health/live") + "\" } }\n");
        m_monitor.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_monitor.start(QStringLiteral(HD_HEALTHDECK_BIN),
            { u"monitor"_s, u"--config"_s, config, u"--history"_s, m_dir.filePath(u"h.sqlite"_s), u"--metrics-listen"_s,
                monitorAddress });
        QVERIFY(m_monitor.waitForStarted(5000));

        const QString trading = u"127.0.0.1:"_s + QString::number(m_demo.tradingApi()->port());
        QVERIFY2(m_prometheus.start({ { u"healthdeck"_s, { m_exporter->address() } }, { u"trading"_s, { trading } },
                     { u"monitor"_s, { monitorAddress } } }),
            qPrintable(m_prometheus.error()));
    }

    void cleanupTestCase()
    {
        m_monitor.terminate();
        m_monitor.waitForFinished(5000);
    }

    void prometheusScrapesHealthdeckMonitor()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_prometheus.value(u"up{job=\"monitor\"}"_s), 1.0, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_prometheus.value(
                u"healthdeck_check_status{job=\"monitor\",service=\"api\",check=\"live\",status=\"ok\"}"_s),
            1.0, 15'000);
    }

    void prometheusScrapesHealthdeck()
    {
        // One scrape a second; give it a few, as a slow machine may take a while for the first.
        QTRY_COMPARE_WITH_TIMEOUT(m_prometheus.value(u"up{job=\"healthdeck\"}"_s), 1.0, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_prometheus.value(
                u"healthdeck_check_status{job=\"healthdeck\",service=\"api\",check=\"live\",status=\"ok\"}"_s),
            1.0, 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_prometheus.value(
                u"healthdeck_check_status{job=\"healthdeck\",service=\"api\",check=\"gone\",status=\"down\"}"_s),
            1.0, 15'000);
        QCOMPARE(m_prometheus.value(
                     u"healthdeck_check_status{job=\"healthdeck\",service=\"api\",check=\"gone\",status=\"ok\"}"_s),
            0.0);
        QVERIFY(
            m_prometheus.value(
                u"healthdeck_check_results_total{job=\"healthdeck\",service=\"api\",check=\"live\",result=\"ok\"}"_s)
            >= 1);
        QCOMPARE(
            m_prometheus.value(u"healthdeck_build_info{job=\"healthdeck\",version=\"" HEALTHDECK_VERSION "\"}"_s), 1.0);
        QVERIFY(m_prometheus.value(
                    u"healthdeck_check_state_changes_total{job=\"healthdeck\",service=\"api\",check=\"gone\"}"_s)
            >= 1);
        // Six statuses per row, and nothing beyond the config's rows.
        QCOMPARE(m_prometheus.value(u"count(healthdeck_check_status{job=\"healthdeck\"})"_s), 12.0);
    }

    void prometheusCheckGivesOneRowPerTarget()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_prometheus.value(u"count(up == 1)"_s), 3.0, 30'000);
        const QList<CheckRow> rows = runOnce("      - name: targets\n"
                                             "        prometheus: { url: \""
            + m_prometheus.url().toUtf8() + "\", query: 'up' }\n");
        QCOMPARE(rows.size(), 3);
        QStringList keys;
        for (const CheckRow& row : rows) {
            keys << row.key;
            QCOMPARE(row.status, Status::Ok);
            QCOMPARE(row.result.seriesValue, std::optional<double>(1.0));
        }
        const QString trading
            = u"fleet/targets/instance=127.0.0.1:"_s + QString::number(m_demo.tradingApi()->port()) + u",job=trading";
        QVERIFY2(keys.contains(u"fleet/targets/instance="_s + m_exporter->address() + u",job=healthdeck"),
            qPrintable(keys.join(u' ')));
        QVERIFY2(keys.contains(trading), qPrintable(keys.join(u' ')));
    }

    void emptyResultsAndBadQueries()
    {
        const QByteArray server = m_prometheus.url().toUtf8();
        QList<CheckRow> rows = runOnce(
            "      - name: none\n        prometheus: { url: \"" + server + "\", query: 'up{job=\"nope\"}' }\n");
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().status, Status::Down);
        QCOMPARE(rows.first().detail, u"query returned no series"_s);

        rows = runOnce("      - name: none\n        prometheus: { url: \"" + server
            + "\", query: 'up{job=\"nope\"}' }\n        empty: ok\n");
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().status, Status::Ok);

        rows = runOnce("      - name: broken\n        prometheus: { url: \"" + server + "\", query: 'up{' }\n");
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().status, Status::Unknown);
        QVERIFY2(rows.first().detail.startsWith(u"Prometheus answered HTTP 400 bad_data:"_s),
            qPrintable(rows.first().detail));
    }

private:
    QByteArray url(const char* path) const { return m_demo.baseUrl(u"trading-api"_s).toString().toUtf8() + path; }

    static Config load(const QByteArray& yaml)
    {
        const ConfigLoadResult r = loadConfigString(yaml, u"prometheus-test.yaml"_s, QProcessEnvironment());
        if (!r.ok())
            qWarning().noquote() << r.errorText();
        return r.config.value_or(Config {});
    }

    QList<CheckRow> runOnce(const QByteArray& checks)
    {
        const Config config = load("services:\n  - name: fleet\n    checks:\n" + checks);
        if (config.services.isEmpty())
            return {};
        OneShotRun run(config, CheckFilter {});
        QSignalSpy done(&run, &OneShotRun::finished);
        run.start();
        if (!done.wait(20'000))
            return {};
        return run.rows();
    }

    DemoBackend m_demo;
    QTemporaryDir m_dir;
    QProcess m_monitor;
    MonitorEngine m_engine;
    std::unique_ptr<MetricsExporter> m_exporter;
    hdtest::PrometheusServer m_prometheus;
};

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
