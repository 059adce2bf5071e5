// max_connections_per_host: a burst of checks to one small server gives no false alarms, the cap holds, a wait
// for a turn does not eat a check's timeout, and `check` still ends in bounded time.
#include "config/configloader.h"
#include "monitor/monitorengine.h"
#include "support/clirunner.h"
#include "support/hostileserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace hdtest;

class TestHostSlots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void burstToBacklogFiveServerIsAllOk();
    void capHoldsAndWaitingDoesNotCountAgainstTimeout();
    void checkThatNeverGetsItsTurnIsReportedAsSuch();
    void monitorSpreadsFirstRunsAcrossTheInterval();
    void configKeyIsValidated();

private:
    QJsonObject runCheck(const QByteArray& yaml, int* exitCode, qint64* elapsedMs = nullptr);
    QTemporaryDir m_dir;
};

void TestHostSlots::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QJsonObject TestHostSlots::runCheck(const QByteArray& yaml, int* exitCode, qint64* elapsedMs)
{
    const QString config = writeFile(m_dir, QStringLiteral("slots.yaml"), yaml);
    const CliResult r
        = runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"), config, QStringLiteral("--json") });
    *exitCode = r.exitCode;
    if (elapsedMs)
        *elapsedMs = r.elapsedMs;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out);
    if (!doc.isObject())
        qWarning() << "stdout:" << r.out << "stderr:" << r.err;
    return doc.object().value(u"checks").toObject();
}

void TestHostSlots::burstToBacklogFiveServerIsAllOk()
{
    // Python's http.server: one request at a time, listen backlog 5. A hundred connections opened in one instant
    // overflow it, and the dropped SYNs come back after the timeout as false "timed out" alarms.
    QProcess server;
    server.start(QStringLiteral("python3"), { QStringLiteral(HD_SCRIPTS_DIR "/backlog5_http_server.py") });
    QVERIFY2(server.waitForStarted(), qPrintable(server.errorString()));
    QVERIFY(server.waitForReadyRead(10'000));
    const QByteArray port = server.readLine().trimmed();
    QVERIFY(!port.isEmpty());
    const auto stop = qScopeGuard([&server] {
        server.kill();
        server.waitForFinished();
    });

    QByteArray yaml = "version: 1\ndefaults: { timeout: 2s }\nservices:\n  - name: desk\n    checks:\n";
    for (int i = 0; i < 100; ++i)
        yaml += "      - { name: c" + QByteArray::number(i) + ", http: { url: \"http://127.0.0.1:" + port + "/health/"
            + QByteArray::number(i) + "\" } }\n";
    int exitCode = -1;
    qint64 elapsed = 0;
    const QJsonObject rows = runCheck(yaml, &exitCode, &elapsed);
    QCOMPARE(rows.size(), 100);
    int ok = 0;
    for (auto it = rows.begin(); it != rows.end(); ++it) {
        const QJsonObject row = it.value().toObject();
        if (row.value(u"status").toString() == u"ok")
            ++ok;
        else
            qWarning() << it.key() << row;
    }
    QCOMPARE(ok, 100);
    QCOMPARE(exitCode, 0);
    QVERIFY2(elapsed < 5000, qPrintable(QString::number(elapsed)));
}

void TestHostSlots::capHoldsAndWaitingDoesNotCountAgainstTimeout()
{
    // Six checks to a server that never answers, two at a time, 500 ms each: three rounds. Every check gets its
    // own full 500 ms, so every one is reported as timed out after 500 ms, none as not run.
    HostileServer hang(HostileServer::Mode::Hang);
    QVERIFY(hang.listen());
    int mostOpen = 0;
    QTimer sampler;
    connect(&sampler, &QTimer::timeout, this, [&] { mostOpen = qMax(mostOpen, hang.openConnections()); });
    sampler.start(10);

    QByteArray yaml = "version: 1\ndefaults: { timeout: 500ms, max_connections_per_host: 2 }\n"
                      "services:\n  - name: desk\n    checks:\n";
    for (int i = 0; i < 6; ++i)
        yaml += "      - { name: c" + QByteArray::number(i) + ", http: { url: \""
            + hang.url(QStringLiteral("/h%1").arg(i)).toString().toUtf8() + "\" } }\n";
    int exitCode = -1;
    qint64 elapsed = 0;
    const QJsonObject rows = runCheck(yaml, &exitCode, &elapsed);
    QCOMPARE(exitCode, 1);
    QCOMPARE(rows.size(), 6);
    for (auto it = rows.begin(); it != rows.end(); ++it) {
        const QJsonObject row = it.value().toObject();
        QCOMPARE(row.value(u"status").toString(), QStringLiteral("down"));
        QVERIFY2(row.value(u"detail").toString().contains(u"500 ms"), qPrintable(row.value(u"detail").toString()));
    }
    QVERIFY2(mostOpen <= 2, qPrintable(QString::number(mostOpen)));
    QCOMPARE(hang.connectionsAccepted(), 6);
    // Three rounds of 500 ms, not one.
    QVERIFY2(elapsed >= 1400, qPrintable(QString::number(elapsed)));
}

void TestHostSlots::checkThatNeverGetsItsTurnIsReportedAsSuch()
{
    // Sixteen 500 ms checks, two at a time, need eight rounds; the run stops after three timeouts' worth plus
    // grace (four rounds at most) and names the checks that never ran instead of waiting for them.
    HostileServer hang(HostileServer::Mode::Hang);
    QVERIFY(hang.listen());
    QByteArray yaml = "version: 1\ndefaults: { timeout: 500ms }\nservices:\n  - name: desk\n    checks:\n";
    for (int i = 0; i < 16; ++i)
        yaml += "      - { name: c" + QByteArray::number(i) + ", max_connections_per_host: 2, http: { url: \""
            + hang.url(QStringLiteral("/h%1").arg(i)).toString().toUtf8() + "\" } }\n";
    int exitCode = -1;
    qint64 elapsed = 0;
    const QJsonObject rows = runCheck(yaml, &exitCode, &elapsed);
    QCOMPARE(exitCode, 1);
    QCOMPARE(rows.size(), 16);
    int timedOut = 0;
    int notRun = 0;
    for (auto it = rows.begin(); it != rows.end(); ++it) {
        const QJsonObject row = it.value().toObject();
        const QString detail = row.value(u"detail").toString();
        if (row.value(u"status").toString() == u"unknown" && detail.contains(u"never got its turn")) {
            QVERIFY2(detail.contains(u"max_connections_per_host"), qPrintable(detail));
            ++notRun;
        } else if (row.value(u"status").toString() == u"down") {
            ++timedOut;
        }
    }
    QVERIFY2(notRun >= 6, qPrintable(QString::number(notRun)));
    QCOMPARE(timedOut + notRun, 16);
    QVERIFY2(elapsed < 4000, qPrintable(QString::number(elapsed)));
}

void TestHostSlots::monitorSpreadsFirstRunsAcrossTheInterval()
{
    // Ten checks at a 2 s interval: their first requests arrive across the interval, not in one burst.
    HostileServer ok(HostileServer::Mode::Ok);
    QVERIFY(ok.listen());
    QList<qint64> arrivals;
    QElapsedTimer clock;
    connect(&ok, &HostileServer::requestReceived, this, [&] { arrivals << clock.elapsed(); });
    QByteArray yaml = "version: 1\ndefaults: { interval: 2s }\nservices:\n  - name: desk\n    checks:\n";
    for (int i = 0; i < 10; ++i)
        yaml += "      - { name: c" + QByteArray::number(i) + ", http: { url: \""
            + ok.url(QStringLiteral("/c%1").arg(i)).toString().toUtf8() + "\" } }\n";
    const hd::ConfigLoadResult loaded
        = hd::loadConfigString(yaml, QStringLiteral("spread.yaml"), QProcessEnvironment());
    QVERIFY2(loaded.config, qPrintable(loaded.errorText()));
    hd::MonitorEngine engine;
    engine.setConfig(*loaded.config);
    clock.start();
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(arrivals.size() >= 10, 5000);
    const QList<qint64> first = arrivals.first(10);
    // Evenly placed 200 ms apart: the tenth starts about 1.8 s after the first.
    QVERIFY2(first.last() - first.first() >= 1500, qPrintable(QString::number(first.last() - first.first())));
    for (int i = 1; i < 10; ++i)
        QVERIFY2(
            first[i] - first[i - 1] >= 100, qPrintable(QStringLiteral("%1 then %2").arg(first[i - 1]).arg(first[i])));
}

void TestHostSlots::configKeyIsValidated()
{
    const hd::ConfigLoadResult good = hd::loadConfigString(
        "version: 1\ndefaults: { max_connections_per_host: 3 }\nservices:\n  - name: s\n    checks:\n"
        "      - { name: a, tcp: { host: 127.0.0.1, port: 1 } }\n"
        "      - { name: b, max_connections_per_host: 1, tcp: { host: 127.0.0.1, port: 1 } }\n",
        QStringLiteral("good.yaml"), QProcessEnvironment());
    QVERIFY2(good.config, qPrintable(good.errorText()));
    QCOMPARE(good.config->services.at(0).checks.at(0).maxConnectionsPerHost, 3);
    QCOMPARE(good.config->services.at(0).checks.at(1).maxConnectionsPerHost, 1);
    const hd::ConfigLoadResult bad = hd::loadConfigString(
        "version: 1\ndefaults: { max_connections_per_host: 0 }\nservices:\n  - name: s\n    checks:\n"
        "      - { name: a, tcp: { host: 127.0.0.1, port: 1 } }\n",
        QStringLiteral("bad.yaml"), QProcessEnvironment());
    QVERIFY(!bad.config);
    QVERIFY2(bad.errorText().contains(u"bad.yaml:2:"), qPrintable(bad.errorText()));
    QVERIFY2(bad.errorText().contains(u"max_connections_per_host"), qPrintable(bad.errorText()));
}

QTEST_GUILESS_MAIN(TestHostSlots)
#include "tst_hostslots.moc"
