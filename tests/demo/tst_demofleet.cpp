// The demo's private Alertmanager: the bundled config reads it as the source `fleet`, its Watchdog keeps the
// pipeline check ok, and the FIX fault fires an alert row and clears it.
#include "config/loadconfig.h"
#include "demo/demoenvironment.h"
#include "demo/demofaults.h"
#include "demo/demofleet.h"
#include "probing/oneshotrun.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

using namespace hd;
using namespace Qt::StringLiterals;

namespace {

const QString kFix = u"fix-gateway/FixSessionDown/lse-1"_s;

} // namespace

class TestDemoFleet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fixFaultFiresAnAlertRow()
    {
        DemoEnvironment env;
        QVERIFY2(env.start(), qPrintable(env.errorString()));
        QVERIFY2(
            env.fleet(), qPrintable(u"prometheus-alertmanager is a test dependency: "_s + env.notes().join(u"; ")));
        QVERIFY(env.summary().contains(u"alertmanager"_s));
        const ConfigLoadResult loaded = loadValidatedConfig(env.configPath());
        QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));

        QHash<QString, CheckRow> rows = runUntil(
            *loaded.config, [](const auto& r) { return r.contains(u"backtest-node/DiskFilling/bt-1:9100"_s); });
        QCOMPARE(rows.value(u"fleet/api"_s).status, Status::Ok);
        QCOMPARE(rows.value(u"fleet/watchdog"_s).status, Status::Ok);
        QCOMPARE(rows.value(u"backtest-node/DiskFilling/bt-1:9100"_s).status, Status::Degraded);
        QVERIFY(!rows.contains(kFix));

        env.fleet()->setFixSessionDown(true);
        rows = runUntil(*loaded.config, [](const auto& r) { return r.contains(kFix); });
        QCOMPARE(rows.value(kFix).status, Status::Down);
        QVERIFY(rows.value(kFix).result.alert);
        QVERIFY(rows.value(kFix).result.alert->generatorUrl.startsWith(u"http://127.0.0.1:"_s));

        env.fleet()->setFixSessionDown(false);
        rows = runUntil(*loaded.config, [](const auto& r) { return !r.contains(kFix); });
        QVERIFY(!rows.contains(kFix));
        QCOMPARE(rows.value(u"fleet/watchdog"_s).status, Status::Ok);
    }

    // `demo --headless` reads the Demo menu's vocabulary: a fault added to the menu is a command too.
    void headlessTakesTheMenuVocabulary()
    {
        QSet<QString> commands;
        for (const DemoFaultInfo& f : demoFaults()) {
            QVERIFY2(!commands.contains(f.breaks) && !commands.contains(f.heals), qPrintable(f.breaks));
            commands << f.breaks << f.heals;
            QCOMPARE(demoFault(f.fault).label, f.label);
        }
        QProcess demo;
        demo.setProcessChannelMode(QProcess::MergedChannels);
        demo.start(QStringLiteral(HD_HEALTHDECK_BIN), { u"demo"_s, u"--headless"_s });
        QVERIFY(demo.waitForStarted());
        QByteArray out;
        const auto waitFor = [&](const QByteArray& text) {
            QDeadlineTimer deadline(20'000);
            while (!out.contains(text) && !deadline.hasExpired()) {
                demo.waitForReadyRead(200);
                out += demo.readAll();
            }
            return out.contains(text);
        };
        QVERIFY2(waitFor("portal/ping"), out.constData());
        demo.write(demoFault(DemoFault::PortalDown).breaks.toUtf8() + '\n');
        QVERIFY2(waitFor("-> down"), out.constData());
        QVERIFY2(out.mid(out.indexOf("-> down") - 60, 60).contains("portal/"), out.constData());
        demo.write("quit\n");
        QVERIFY(demo.waitForFinished(10'000));
        QCOMPARE(demo.exitCode(), 0);
    }

private:
    // One-shot runs until `done` holds for the rows (Alertmanager takes a posted alert within a moment).
    template <typename Done> static QHash<QString, CheckRow> runUntil(const Config& config, Done done)
    {
        QHash<QString, CheckRow> out;
        for (int attempt = 0; attempt < 20; ++attempt) {
            OneShotRun run(config, CheckFilter { { u"fleet"_s }, {} });
            QSignalSpy finished(&run, &OneShotRun::finished);
            run.start();
            finished.wait(20'000);
            out.clear();
            for (const CheckRow& row : run.rows())
                out.insert(row.key, row);
            if (done(out))
                return out;
            QTest::qWait(250);
        }
        return out;
    }
};

QTEST_GUILESS_MAIN(TestDemoFleet)
#include "tst_demofleet.moc"
