// Against a real Alertmanager (Debian's prometheus-alertmanager 0.25): firing alerts become rows in
// `check --json` and in the engine, acknowledging one creates a silence that Alertmanager then reports as
// suppressed, removing it expires the silence, the watchdog, and a killed Alertmanager never reads as all clear.
#include "config/configloader.h"
#include "monitor/monitorengine.h"
#include "runtime/monitorruntime.h"
#include "support/alertmanagerserver.h"
#include "support/clirunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

using namespace hd;
using namespace Qt::StringLiterals;

namespace {

QJsonObject alert(const QJsonObject& labels, const QString& summary = QString())
{
    QJsonObject a { { u"labels"_s, labels } };
    if (!summary.isEmpty())
        a.insert(u"annotations"_s, QJsonObject { { u"summary"_s, summary } });
    a.insert(u"generatorURL"_s, u"http://127.0.0.1:9090/graph?g0.expr=up"_s);
    return a;
}

const QJsonObject kOrders { { u"alertname"_s, u"OrdersStuck"_s }, { u"service"_s, u"trading-api"_s },
    { u"instance"_s, u"10.0.0.1:8080"_s }, { u"severity"_s, u"critical"_s }, { u"team"_s, u"desk"_s } };
const QJsonObject kDisk { { u"alertname"_s, u"DiskFilling"_s }, { u"job"_s, u"node"_s },
    { u"instance"_s, u"db1:9100"_s }, { u"severity"_s, u"warning"_s }, { u"team"_s, u"desk"_s } };
const QJsonObject kWeird { { u"alertname"_s, u"Weird"_s }, { u"service"_s, u"portal"_s }, { u"severity"_s, u"page"_s },
    { u"team"_s, u"desk"_s } };
const QJsonObject kOtherTeam { { u"alertname"_s, u"Elsewhere"_s }, { u"service"_s, u"hr"_s },
    { u"severity"_s, u"critical"_s }, { u"team"_s, u"other"_s } };
const QJsonObject kWatchdog { { u"alertname"_s, u"Watchdog"_s }, { u"severity"_s, u"none"_s },
    { u"team"_s, u"desk"_s } };
const QJsonObject kDbDown { { u"alertname"_s, u"DatabaseDown"_s }, { u"service"_s, u"database"_s },
    { u"env"_s, u"prod"_s }, { u"instance"_s, u"db1:5432"_s }, { u"severity"_s, u"critical"_s },
    { u"team"_s, u"desk"_s } };
const QJsonObject kApiErrors { { u"alertname"_s, u"ApiErrors"_s }, { u"service"_s, u"trading-api"_s },
    { u"env"_s, u"prod"_s }, { u"instance"_s, u"10.0.0.2:8080"_s }, { u"severity"_s, u"warning"_s },
    { u"team"_s, u"desk"_s } };

} // namespace

class TestAlertmanager : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_am.start(), qPrintable(m_am.error()));
        m_config = hdtest::writeFile(m_dir, u"am.yaml"_s,
            "services:\n"
            "  - name: database\n"
            "    checks: [{ name: ping, tcp: { host: 127.0.0.1, port: 1 } }]\n"
            "  - name: web\n"
            "    depends_on: [trading-api]\n"
            "    checks: [{ name: ping, tcp: { host: 127.0.0.1, port: 1 } }]\n"
            "  - name: node\n" // no checks: it gives the alerts of service node their dependencies
            "    depends_on: [database]\n"
            "sources:\n"
            "  - alertmanager:\n"
            "      name: am\n"
            "      url: \""
                + m_am.url().toUtf8()
                + "\"\n"
                  "      interval: 1s\n"
                  "      filter: ['team=\"desk\"']\n"
                  "      watchdog: Watchdog\n"
                  "      ack: { expiry: 30m }\n");
        m_history = m_dir.filePath(u"history.sqlite"_s);
        QVERIFY(m_am.post({ alert(kOrders, u"orders stuck for 5 minutes"_s), alert(kDisk), alert(kWeird),
            alert(kOtherTeam), alert(kWatchdog) }));
    }

    void alertsBecomeRowsWithMappedSeverities()
    {
        const QJsonObject checks = check();
        QCOMPARE(checks.value(u"am/api"_s).toObject().value(u"status"_s).toString(), u"ok"_s);
        QCOMPARE(checks.value(u"am/api"_s).toObject().value(u"detail"_s).toString(), u"3 alerts firing"_s);
        QCOMPARE(checks.value(u"am/watchdog"_s).toObject().value(u"status"_s).toString(), u"ok"_s);

        const QJsonObject orders = checks.value(u"trading-api/OrdersStuck/10.0.0.1:8080"_s).toObject();
        QCOMPARE(orders.value(u"status"_s).toString(), u"down"_s);
        QCOMPARE(orders.value(u"detail"_s).toString(), u"orders stuck for 5 minutes"_s);
        QCOMPARE(orders.value(u"source"_s).toString(), u"am"_s);
        QCOMPARE(checks.value(u"node/DiskFilling/db1:9100"_s).toObject().value(u"status"_s).toString(), u"degraded"_s);
        // The alert's service takes the dependencies of its check-less entry: database is down, so it is impacted.
        QCOMPARE(checks.value(u"node/DiskFilling/db1:9100"_s).toObject().value(u"overlays"_s).toArray(),
            QJsonArray { u"impacted"_s });

        // No instance label: the fingerprint names the row. An unmapped severity is unknown, never dropped.
        QString weirdKey;
        for (auto it = checks.begin(); it != checks.end(); ++it) {
            if (it.key().startsWith(u"portal/Weird/"_s))
                weirdKey = it.key();
        }
        QVERIFY2(!weirdKey.isEmpty(), QJsonDocument(checks).toJson().constData());
        QCOMPARE(checks.value(weirdKey).toObject().value(u"status"_s).toString(), u"unknown"_s);
        QVERIFY(
            checks.value(weirdKey).toObject().value(u"detail"_s).toString().startsWith(u"unmapped severity 'page'"_s));
        QVERIFY2(!checks.contains(u"hr/Elsewhere"_s) && !QJsonDocument(checks).toJson().contains("Elsewhere"),
            "the source's filter keeps other teams' alerts out");
        QVERIFY(!QJsonDocument(checks).toJson().contains("\"trading-api/Watchdog"));
        // An own service depending on an alert's service is impacted while the alert fires.
        QCOMPARE(checks.value(u"web/ping"_s).toObject().value(u"overlays"_s).toArray(), QJsonArray { u"impacted"_s });
    }

    void inhibitedAlertsAreImpacted()
    {
        QVERIFY(m_am.post({ alert(kDbDown, u"primary unreachable"_s), alert(kApiErrors, u"5xx above 2 %"_s) }));
        QTRY_VERIFY_WITH_TIMEOUT(!m_am.alerts(u"ApiErrors"_s).isEmpty()
                && !m_am.alerts(u"ApiErrors"_s)
                        .first()
                        .toObject()
                        .value(u"status"_s)
                        .toObject()
                        .value(u"inhibitedBy"_s)
                        .toArray()
                        .isEmpty(),
            15'000);
        const QJsonObject checks = check();
        const QJsonObject api = checks.value(u"trading-api/ApiErrors/10.0.0.2:8080"_s).toObject();
        QCOMPARE(api.value(u"overlays"_s).toArray(), QJsonArray { u"impacted"_s });

        // In the engine, the impact names the service of the inhibiting alert.
        MonitorEngine engine;
        const ConfigLoadResult loaded = loadConfigFile(m_config);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));
        engine.setConfig(*loaded.config);
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(engine.row(u"trading-api/ApiErrors/10.0.0.2:8080"_s)
                && engine.row(u"trading-api/ApiErrors/10.0.0.2:8080"_s)->impacted,
            10'000);
        QCOMPARE(engine.row(u"trading-api/ApiErrors/10.0.0.2:8080"_s)->impactedBy, u"database"_s);
        QCOMPARE(engine.row(u"trading-api/ApiErrors/10.0.0.2:8080"_s)->status, Status::Degraded);
        engine.stop();
        QVERIFY(m_am.resolve(kDbDown) && m_am.resolve(kApiErrors));
    }

    void acknowledgingCreatesASilenceAndRemovingExpiresIt()
    {
        const QString key = u"trading-api/OrdersStuck/10.0.0.1:8080"_s;
        const hdtest::CliResult ack = hdtest::runHealthdeck({ u"ack"_s, u"--config"_s, m_config, key, u"--comment"_s,
            u"looking into it"_s, u"--author"_s, u"night-desk"_s, u"--history"_s, m_history });
        QVERIFY2(ack.exitCode == 0, ack.err.constData());
        QVERIFY2(
            ack.out.contains(QByteArray("silenced " + key.toUtf8() + " in Alertmanager as ")), ack.out.constData());

        // Alertmanager reports the alert suppressed, by a silence with the author, the comment and an end.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_am.alerts(u"OrdersStuck"_s).first().toObject().value(u"status"_s).toObject().value(u"state"_s).toString(),
            u"suppressed"_s, 10'000);
        QJsonObject silence;
        for (const QJsonValue& s : m_am.silences()) {
            if (s.toObject().value(u"status"_s).toObject().value(u"state"_s).toString() == u"active")
                silence = s.toObject();
        }
        QCOMPARE(silence.value(u"createdBy"_s).toString(), u"night-desk"_s);
        QCOMPARE(silence.value(u"comment"_s).toString(), u"looking into it"_s);
        QStringList matchers;
        for (const QJsonValue& m : silence.value(u"matchers"_s).toArray())
            matchers << m.toObject().value(u"name"_s).toString() + u'=' + m.toObject().value(u"value"_s).toString();
        matchers.sort();
        QCOMPARE(matchers,
            (QStringList { u"alertname=OrdersStuck"_s, u"instance=10.0.0.1:8080"_s, u"service=trading-api"_s }));
        const qint64 minutes = QDateTime::currentDateTimeUtc().secsTo(
                                   QDateTime::fromString(silence.value(u"endsAt"_s).toString(), Qt::ISODateWithMs))
            / 60;
        QVERIFY2(minutes >= 28 && minutes <= 30, qPrintable(QString::number(minutes)));

        // check --json shows the row silenced.
        QCOMPARE(check().value(key).toObject().value(u"overlays"_s).toArray(), QJsonArray { u"silenced"_s });

        const hdtest::CliResult remove = hdtest::runHealthdeck(
            { u"ack"_s, u"--config"_s, m_config, key, u"--remove"_s, u"--history"_s, m_history });
        QVERIFY2(remove.exitCode == 0, remove.err.constData());
        QVERIFY2(remove.out.contains("expired silence"), remove.out.constData());
        QTRY_COMPARE_WITH_TIMEOUT(
            m_am.alerts(u"OrdersStuck"_s).first().toObject().value(u"status"_s).toObject().value(u"state"_s).toString(),
            u"active"_s, 10'000);

        // Both went into the audit trail of the history.
        const hdtest::CliResult unknown = hdtest::runHealthdeck({ u"ack"_s, u"--config"_s, m_config,
            u"nobody/Nothing/x"_s, u"--comment"_s, u"x"_s, u"--history"_s, m_history });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("no row nobody/Nothing/x"), unknown.err.constData());
    }

    // The dashboard's Acknowledge on an alert row silences it in Alertmanager; taking it back expires the silence.
    void dashboardAcknowledgeIsASilence()
    {
        const QString key = u"trading-api/OrdersStuck/10.0.0.1:8080"_s;
        const ConfigLoadResult loaded = loadConfigFile(m_config);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));
        MonitorRuntime runtime;
        QSignalSpy rows(&runtime, &MonitorRuntime::rowsUpdated);
        QSignalSpy answers(&runtime, &MonitorRuntime::acknowledged);
        runtime.setConfig(*loaded.config);
        runtime.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(rows.cbegin(), rows.cend(),
                [&](const QList<QVariant>& batch) {
                    const auto list = batch.at(0).value<QList<RowState>>();
                    return std::any_of(list.cbegin(), list.cend(), [&](const RowState& r) { return r.key == key; });
                }),
            10'000);
        Acknowledgement ack;
        ack.checkKey = key;
        ack.author = u"desk-lead"_s;
        ack.comment = u"from the dashboard"_s;
        ack.created = QDateTime::currentDateTimeUtc();
        runtime.acknowledge(ack);
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 10'000);
        QCOMPARE(answers.last().at(0).toString(), key);
        QVERIFY(answers.last().at(1).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(
            m_am.alerts(u"OrdersStuck"_s).first().toObject().value(u"status"_s).toObject().value(u"state"_s).toString(),
            u"suppressed"_s, 10'000);
        bool byLead = false;
        for (const QJsonValue& s : m_am.silences())
            byLead = byLead
                || (s.toObject().value(u"createdBy"_s).toString() == u"desk-lead"_s
                    && s.toObject().value(u"status"_s).toObject().value(u"state"_s).toString() == u"active"_s);
        QVERIFY(byLead);

        // Once the engine has seen the alert silenced, taking the acknowledgement back expires the silence.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(rows.cbegin(), rows.cend(),
                                     [&](const QList<QVariant>& batch) {
                                         const auto list = batch.at(0).value<QList<RowState>>();
                                         return std::any_of(list.cbegin(), list.cend(),
                                             [&](const RowState& r) { return r.key == key && r.silenced; });
                                     }),
            10'000);
        runtime.unacknowledge(key);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_am.alerts(u"OrdersStuck"_s).first().toObject().value(u"status"_s).toObject().value(u"state"_s).toString(),
            u"active"_s, 10'000);
    }

    void ownChecksAreAcknowledgedInTheHistory()
    {
        const hdtest::CliResult ack = hdtest::runHealthdeck({ u"ack"_s, u"--config"_s, m_config, u"database/ping"_s,
            u"--comment"_s, u"known"_s, u"--history"_s, m_history });
        QVERIFY2(ack.exitCode == 0, ack.err.constData());
        const QJsonObject checks = check();
        QCOMPARE(checks.value(u"database/ping"_s).toObject().value(u"overlays"_s).toArray(),
            QJsonArray { u"acknowledged"_s });
        const hdtest::CliResult remove = hdtest::runHealthdeck(
            { u"ack"_s, u"--config"_s, m_config, u"database/ping"_s, u"--remove"_s, u"--history"_s, m_history });
        QVERIFY2(remove.exitCode == 0, remove.err.constData());
        QVERIFY(!check().value(u"database/ping"_s).toObject().contains(u"overlays"_s));
    }

    void resolvedAlertsLeave()
    {
        QVERIFY(m_am.resolve(kDisk));
        QTRY_VERIFY_WITH_TIMEOUT(!check().contains(u"node/DiskFilling/db1:9100"_s), 10'000);
    }

    void lostSourceIsNeverAllClear()
    {
        // The engine keeps the alerts it saw, stale; the source row says why; the watchdog goes stale.
        MonitorEngine engine;
        const ConfigLoadResult loaded = loadConfigFile(m_config);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));
        engine.setConfig(*loaded.config);
        engine.start();
        const QString key = u"trading-api/OrdersStuck/10.0.0.1:8080"_s;
        QTRY_VERIFY_WITH_TIMEOUT(engine.row(key) && engine.row(key)->status == Status::Down, 10'000);
        QCOMPARE(engine.row(u"am/watchdog"_s)->status, Status::Ok);

        m_am.kill();
        QTRY_VERIFY_WITH_TIMEOUT(engine.row(u"am/api"_s)->status == Status::Down, 10'000);
        QVERIFY2(engine.row(u"am/api"_s)->detail.startsWith(u"Alertmanager cannot be read: "_s),
            qPrintable(engine.row(u"am/api"_s)->detail));
        QVERIFY(engine.row(key));
        QCOMPARE(engine.row(key)->status, Status::Stale);
        QVERIFY2(engine.row(key)->detail.startsWith(u"last seen firing"_s), qPrintable(engine.row(key)->detail));
        QCOMPARE(engine.row(u"am/watchdog"_s)->status, Status::Stale);
        QVERIFY(engine.row(u"am/watchdog"_s)->detail.contains(u"the alert pipeline is not delivering"_s));
        engine.stop();

        // check --json: the source is down and the run fails.
        const hdtest::CliResult run = hdtest::runHealthdeck({ u"check"_s, u"--config"_s, m_config, u"--json"_s });
        QCOMPARE(run.exitCode, 1);
        const QJsonObject checks = QJsonDocument::fromJson(run.out).object().value(u"checks"_s).toObject();
        QCOMPARE(checks.value(u"am/api"_s).toObject().value(u"status"_s).toString(), u"down"_s);
        QCOMPARE(checks.value(u"am/watchdog"_s).toObject().value(u"status"_s).toString(), u"stale"_s);
    }

private:
    QJsonObject check()
    {
        const hdtest::CliResult run
            = hdtest::runHealthdeck({ u"check"_s, u"--config"_s, m_config, u"--json"_s, u"--history"_s, m_history });
        return QJsonDocument::fromJson(run.out).object().value(u"checks"_s).toObject();
    }

    hdtest::AlertmanagerServer m_am;
    QTemporaryDir m_dir;
    QString m_config;
    QString m_history;
};

QTEST_GUILESS_MAIN(TestAlertmanager)
#include "tst_alertmanager.moc"
