#include "config/configloader.h"
#include "runtime/monitorruntime.h"
#include "support/testutil.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace hd;
using namespace Qt::StringLiterals;

class TestMonitorRuntime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The dashboard serves the same metrics as `monitor --metrics-listen`, from the engine's thread.
    void servesMetricsOfItsEngine()
    {
        MonitorRuntime runtime;
        const ConfigLoadResult config
            = loadConfigString("services:\n  - name: api\n    checks:\n"
                               "      - { name: gone, interval: 1s, http: { url: \"http://127.0.0.1:"
                    + QByteArray::number(hdtest::freePort()) + "/\" } }\n",
                u"runtime.yaml"_s, QProcessEnvironment());
        QVERIFY2(config.ok(), qPrintable(config.errorText()));
        runtime.setConfig(*config.config);
        runtime.start();
        QSignalSpy serving(&runtime, &MonitorRuntime::metricsServing);
        const QString address = u"127.0.0.1:"_s + QString::number(hdtest::freePort());
        runtime.serveMetrics(address);
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

        runtime.serveMetrics(address); // taken now
        QTRY_COMPARE_WITH_TIMEOUT(serving.size(), 2, 5000);
        QVERIFY(serving.last().at(0).toString().isEmpty());
        QVERIFY2(serving.last().at(1).toString().startsWith(u"cannot listen on "_s + address),
            qPrintable(serving.last().at(1).toString()));
    }

    // Every few seconds the runtime says how late the probes of that while started; an engine held up by a
    // busy thread reports it rather than looking on time.
    void reportsRecentSchedulingLag()
    {
        MonitorRuntime runtime;
        const ConfigLoadResult config
            = loadConfigString("services:\n  - name: api\n    checks:\n"
                               "      - { name: gone, interval: 200ms, tcp: { host: 127.0.0.1, port: "
                    + QByteArray::number(hdtest::freePort()) + " } }\n",
                u"runtime.yaml"_s, QProcessEnvironment());
        QVERIFY2(config.ok(), qPrintable(config.errorText()));
        QSignalSpy lag(&runtime, &MonitorRuntime::schedulingLagMeasured);
        runtime.setConfig(*config.config);
        runtime.start();
        QTRY_VERIFY_WITH_TIMEOUT(!lag.isEmpty() && lag.last().at(0).value<SchedulingLag>().starts > 0, 12'000);
        QVERIFY(lag.last().at(0).value<SchedulingLag>().p99Ms < 1000);

        // The engine's thread blocked for 1.5 s: the probes due meanwhile start late, and the next report says so.
        const qsizetype before = lag.size();
        QMetaObject::invokeMethod(
            runtime.engineThread()->eventDispatcher(), [] { QThread::msleep(1500); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(lag.size() > before + 1, 15'000);
        qint64 latest = 0;
        for (qsizetype i = before; i < lag.size(); ++i)
            latest = qMax(latest, lag.at(i).at(0).value<SchedulingLag>().maxMs);
        QVERIFY2(latest >= 1000, qPrintable(QString::number(latest)));
    }

    // The runtime records what its engine sees, once: each state change is committed to the history before
    // eventCommitted() announces it, and after stop() drained() says the last one is in.
    void recordsStateChangesAndDrains()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        HistoryOptions options;
        options.path = dir.filePath(u"history.sqlite"_s);
        options.flushIntervalMs = 100;
        MonitorRuntime runtime(options);
        QVERIFY(runtime.store());
        QVERIFY(runtime.store()->open());
        const ConfigLoadResult config
            = loadConfigString("services:\n  - name: api\n    checks:\n"
                               "      - { name: gone, interval: 200ms, failure_threshold: 1, tcp: { host: 127.0.0.1, "
                               "port: "
                    + QByteArray::number(hdtest::freePort()) + " } }\n",
                u"runtime.yaml"_s, QProcessEnvironment());
        QVERIFY2(config.ok(), qPrintable(config.errorText()));
        QSignalSpy committed(&runtime, &MonitorRuntime::eventCommitted);
        QSignalSpy drained(&runtime, &MonitorRuntime::drained);
        runtime.setConfig(*config.config);
        runtime.start();
        QTRY_VERIFY_WITH_TIMEOUT(!committed.isEmpty(), 10'000);
        const auto event = committed.first().at(0).value<StateEvent>();
        QCOMPARE(event.service, u"api"_s);
        QCOMPARE(event.to, Status::Down);
        QVERIFY(committed.first().at(1).value<WriteResult>().ok);
        // In the history exactly once, though the runtime, the engine and the window all see it.
        EventQuery query;
        query.services = { u"api"_s };
        QTRY_COMPARE(runtime.store()->events(query).size(), committed.size());

        runtime.stop();
        QTRY_COMPARE_WITH_TIMEOUT(drained.size(), 1, 5000);
        const qsizetype after = committed.size();
        QTest::qWait(600); // three intervals: a stopped engine polls no more
        QCOMPARE(committed.size(), after);
    }

    // Made and destroyed without ever being started or given a config: nothing waits, nothing leaks.
    void idleRuntimeComesAndGoes()
    {
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < 20; ++i)
            MonitorRuntime runtime;
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestMonitorRuntime)
#include "tst_monitorruntime.moc"
