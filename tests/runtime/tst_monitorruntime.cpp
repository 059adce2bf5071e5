#include "config/configloader.h"
#include "models/monitorbridge.h"
#include "support/testutil.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace hd;
using namespace Qt::StringLiterals;

class TestMonitorBridge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The dashboard serves the same metrics as `monitor --metrics-listen`, from the engine's thread.
    void servesMetricsOfItsEngine()
    {
        MonitorBridge bridge(nullptr);
        const ConfigLoadResult config
            = loadConfigString("services:\n  - name: api\n    checks:\n"
                               "      - { name: gone, interval: 1s, http: { url: \"http://127.0.0.1:"
                    + QByteArray::number(hdtest::freePort()) + "/\" } }\n",
                u"bridge.yaml"_s, QProcessEnvironment());
        QVERIFY2(config.ok(), qPrintable(config.errorText()));
        bridge.setConfig(*config.config);
        bridge.start();
        QSignalSpy serving(&bridge, &MonitorBridge::metricsServing);
        const QString address = u"127.0.0.1:"_s + QString::number(hdtest::freePort());
        bridge.serveMetrics(address);
        QTRY_COMPARE_WITH_TIMEOUT(serving.size(), 1, 5000);
        QCOMPARE(serving.first().at(0).toString(), address);

        QNetworkAccessManager nam;
        QByteArray body;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(u"http://"_s + address + u"/metrics")));
                QSignalSpy done(reply, &QNetworkReply::finished);
                done.wait(3000);
                body = reply->readAll();
                reply->deleteLater();
                return body.contains(
                    "healthdeck_check_status{service=\"api\",check=\"gone\",group=\"\",item=\"\",status=\"down\"} 1");
            }(),
            10'000);

        bridge.serveMetrics(address); // taken now
        QTRY_COMPARE_WITH_TIMEOUT(serving.size(), 2, 5000);
        QVERIFY(serving.last().at(0).toString().isEmpty());
        QVERIFY2(serving.last().at(1).toString().startsWith(u"cannot listen on "_s + address),
            qPrintable(serving.last().at(1).toString()));
    }

    // Every few seconds the bridge says how late the probes of that while started; an engine held up by a
    // busy thread reports it rather than looking on time.
    void reportsRecentSchedulingLag()
    {
        MonitorBridge bridge(nullptr);
        const ConfigLoadResult config
            = loadConfigString("services:\n  - name: api\n    checks:\n"
                               "      - { name: gone, interval: 200ms, tcp: { host: 127.0.0.1, port: "
                    + QByteArray::number(hdtest::freePort()) + " } }\n",
                u"bridge.yaml"_s, QProcessEnvironment());
        QVERIFY2(config.ok(), qPrintable(config.errorText()));
        QSignalSpy lag(&bridge, &MonitorBridge::schedulingLagMeasured);
        bridge.setConfig(*config.config);
        bridge.start();
        QTRY_VERIFY_WITH_TIMEOUT(!lag.isEmpty() && lag.last().at(0).value<SchedulingLag>().starts > 0, 12'000);
        QVERIFY(lag.last().at(0).value<SchedulingLag>().p99Ms < 1000);

        // The engine's thread blocked for 1.5 s: the probes due meanwhile start late, and the next report says so.
        const qsizetype before = lag.size();
        QMetaObject::invokeMethod(
            bridge.engineThread()->eventDispatcher(), [] { QThread::msleep(1500); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(lag.size() > before + 1, 15'000);
        qint64 latest = 0;
        for (qsizetype i = before; i < lag.size(); ++i)
            latest = qMax(latest, lag.at(i).at(0).value<SchedulingLag>().maxMs);
        QVERIFY2(latest >= 1000, qPrintable(QString::number(latest)));
    }
};

QTEST_GUILESS_MAIN(TestMonitorBridge)
#include "tst_monitorbridge.moc"
