#include "demo/heartbeatsimulator.h"
#include "support/redisserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using hd::HeartbeatSimulator;

class TestHeartbeatSimulator : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void writesEveryServiceWithRealisticFields();
    void processedCountGrows();
    void killedWriterLetsItsKeyExpire();
    void frozenWriterKeepsItsKeyButNotItsActivity();
    void degradeAndHeal();
    void unknownServiceIsRefused();

private:
    QJsonObject read(const QString& service) const;
    // Waits for `count` more acknowledged writes of `service`.
    bool waitForBeats(const QString& service, int count);

    hdtest::RedisServer m_server;
    std::unique_ptr<HeartbeatSimulator> m_simulator;
};

QJsonObject TestHeartbeatSimulator::read(const QString& service) const
{
    return QJsonDocument::fromJson(m_server.cli({ QStringLiteral("GET"), HeartbeatSimulator::keyFor(service) }))
        .object();
}

bool TestHeartbeatSimulator::waitForBeats(const QString& service, int count)
{
    QSignalSpy spy(m_simulator.get(), &HeartbeatSimulator::beatWritten);
    return QTest::qWaitFor(
        [&] {
            int seen = 0;
            for (const QList<QVariant>& args : std::as_const(spy))
                seen += args.first().toString() == service;
            return seen >= count;
        },
        10'000);
}

void TestHeartbeatSimulator::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.error()));
}

void TestHeartbeatSimulator::init()
{
    m_server.cli({ QStringLiteral("FLUSHALL") });
    m_simulator = std::make_unique<HeartbeatSimulator>(m_server.config());
    m_simulator->setIntervalMs(100);
    QSignalSpy failures(m_simulator.get(), &HeartbeatSimulator::writeFailed);
    m_simulator->start();
    QVERIFY(waitForBeats(QStringLiteral("signal-generator"), 1));
    QCOMPARE(failures.size(), 0);
}

void TestHeartbeatSimulator::cleanup()
{
    m_simulator.reset();
}

void TestHeartbeatSimulator::writesEveryServiceWithRealisticFields()
{
    QCOMPARE(HeartbeatSimulator::defaultServices(),
        (QStringList { QStringLiteral("ingestion"), QStringLiteral("worker1"), QStringLiteral("worker2"),
            QStringLiteral("depth-collector"), QStringLiteral("signal-generator") }));
    QCOMPARE(m_simulator->services(), HeartbeatSimulator::defaultServices());
    for (const QString& service : HeartbeatSimulator::defaultServices()) {
        const QJsonObject beat = read(service);
        QCOMPARE(beat.value(QLatin1String("status")).toString(), QStringLiteral("healthy"));
        QCOMPARE(beat.value(QLatin1String("connected")).toBool(false), true);
        QVERIFY(beat.value(QLatin1String("error_count")).isDouble());
        QVERIFY(beat.value(QLatin1String("processed_count")).toDouble() > 0);
        const QString lastActivity = beat.value(QLatin1String("last_activity")).toString();
        QVERIFY2(lastActivity.endsWith(u'Z'), qPrintable(lastActivity));
        const QDateTime when = QDateTime::fromString(lastActivity, Qt::ISODateWithMs);
        QVERIFY(when.isValid());
        QVERIFY(qAbs(when.secsTo(QDateTime::currentDateTimeUtc())) < 10);
        const qint64 ttl = m_server.cli({ QStringLiteral("PTTL"), HeartbeatSimulator::keyFor(service) }).toLongLong();
        QVERIFY2(ttl > 50'000 && ttl <= 60'000, qPrintable(QString::number(ttl)));
    }
}

void TestHeartbeatSimulator::processedCountGrows()
{
    const double before = read(QStringLiteral("ingestion")).value(QLatin1String("processed_count")).toDouble();
    QVERIFY(waitForBeats(QStringLiteral("ingestion"), 2));
    QVERIFY(read(QStringLiteral("ingestion")).value(QLatin1String("processed_count")).toDouble() > before);
}

void TestHeartbeatSimulator::killedWriterLetsItsKeyExpire()
{
    // A short TTL, so that the key expires within the test.
    m_simulator->setTtlSeconds(2);
    QVERIFY(waitForBeats(QStringLiteral("worker1"), 2));
    QVERIFY(m_simulator->kill(QStringLiteral("worker1")));
    QCOMPARE(m_simulator->behaviour(QStringLiteral("worker1")), HeartbeatSimulator::Behaviour::Killed);
    // Its TTL runs out; the others keep their keys alive.
    QTRY_COMPARE_WITH_TIMEOUT(
        m_server.cli({ QStringLiteral("EXISTS"), QStringLiteral("health:worker1") }), QByteArray("0"), 8000);
    QCOMPARE(m_server.cli({ QStringLiteral("EXISTS"), QStringLiteral("health:worker2") }), QByteArray("1"));

    // A healed writer is a restarted service: "starting" once, then healthy.
    QVERIFY(m_simulator->heal(QStringLiteral("worker1")));
    QVERIFY(waitForBeats(QStringLiteral("worker1"), 1));
    QTRY_COMPARE(read(QStringLiteral("worker1")).value(QLatin1String("status")).toString(), QStringLiteral("healthy"));
}

void TestHeartbeatSimulator::frozenWriterKeepsItsKeyButNotItsActivity()
{
    QVERIFY(m_simulator->freeze(QStringLiteral("ingestion")));
    QVERIFY(waitForBeats(QStringLiteral("ingestion"), 1));
    const QJsonObject frozen = read(QStringLiteral("ingestion"));
    QVERIFY(waitForBeats(QStringLiteral("ingestion"), 10));
    const QJsonObject later = read(QStringLiteral("ingestion"));
    QCOMPARE(later.value(QLatin1String("last_activity")), frozen.value(QLatin1String("last_activity")));
    QCOMPARE(later.value(QLatin1String("processed_count")), frozen.value(QLatin1String("processed_count")));
    QCOMPARE(m_server.cli({ QStringLiteral("EXISTS"), QStringLiteral("health:ingestion") }), QByteArray("1"));
}

void TestHeartbeatSimulator::degradeAndHeal()
{
    QVERIFY(m_simulator->degrade(QStringLiteral("depth-collector")));
    QVERIFY(waitForBeats(QStringLiteral("depth-collector"), 1));
    const QJsonObject degraded = read(QStringLiteral("depth-collector"));
    QCOMPARE(degraded.value(QLatin1String("status")).toString(), QStringLiteral("degraded"));
    QCOMPARE(degraded.value(QLatin1String("connected")).toBool(true), false);
    QVERIFY(waitForBeats(QStringLiteral("depth-collector"), 1));
    QVERIFY(read(QStringLiteral("depth-collector")).value(QLatin1String("error_count")).toDouble()
        > degraded.value(QLatin1String("error_count")).toDouble());

    QVERIFY(m_simulator->heal(QStringLiteral("depth-collector")));
    QVERIFY(waitForBeats(QStringLiteral("depth-collector"), 1));
    const QJsonObject healed = read(QStringLiteral("depth-collector"));
    QCOMPARE(healed.value(QLatin1String("status")).toString(), QStringLiteral("healthy"));
    QCOMPARE(healed.value(QLatin1String("connected")).toBool(false), true);
}

void TestHeartbeatSimulator::unknownServiceIsRefused()
{
    QVERIFY(!m_simulator->kill(QStringLiteral("nosuch")));
    QVERIFY(!m_simulator->freeze(QStringLiteral("nosuch")));
    QVERIFY(!m_simulator->degrade(QStringLiteral("nosuch")));
    QVERIFY(!m_simulator->heal(QStringLiteral("nosuch")));
}

QTEST_GUILESS_MAIN(TestHeartbeatSimulator)
#include "tst_heartbeatsimulator.moc"
