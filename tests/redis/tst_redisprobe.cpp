#include "redis/redisconnection.h"
#include "redis/redispool.h"
#include "redis/redisprobe.h"
#include "support/redisserver.h"
#include "support/testutil.h"
#include "support/tlsfixture.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <optional>

using hd::ProbeResult;
using Outcome = ProbeResult::Outcome;
using Mode = hd::RedisProbeConfig::Mode;

namespace hd {
char* toString(ProbeResult::Outcome outcome)
{
    return qstrdup(qPrintable(outcomeName(outcome)));
}
} // namespace hd

namespace {

const qint64 kMaxBody = 64 * 1024;

hd::CheckConfig redisCheck(
    Mode mode, const QString& key, const QString& server = QStringLiteral("main"), qint64 timeoutMs = 3000)
{
    hd::CheckConfig check;
    check.service = QStringLiteral("svc");
    check.name = QStringLiteral("heartbeat");
    check.kind = hd::ProbeKind::Redis;
    check.timeoutMs = timeoutMs;
    check.settings<hd::RedisProbeConfig>().server = server;
    check.settings<hd::RedisProbeConfig>().mode = mode;
    check.settings<hd::RedisProbeConfig>().key = key;
    return check;
}

hd::Config configFor(const QList<hd::RedisServerConfig>& servers)
{
    hd::Config config;
    config.defaults.maxBodyBytes = kMaxBody;
    for (const hd::RedisServerConfig& s : servers)
        config.redis.insert(s.name, s);
    return config;
}

// Runs one probe to the end and returns its single result.
ProbeResult run(hd::RedisPool& pool, const hd::CheckConfig& check)
{
    std::unique_ptr<hd::Probe> probe(hd::createRedisProbe(check, &pool, kMaxBody, nullptr));
    QSignalSpy spy(probe.get(), &hd::Probe::finished);
    probe->start();
    if (!spy.isEmpty()) {
        qWarning("finished() was emitted from inside start()");
        return {};
    }
    if (!spy.wait(int(check.timeoutMs) + 5000)) {
        qWarning("the probe never finished");
        return {};
    }
    // Exactly once, even after more events.
    QTest::qWait(0);
    if (spy.size() != 1)
        qWarning("finished() was emitted %d times", int(spy.size()));
    return spy.first().first().value<ProbeResult>();
}

QJsonObject bodyObject(const ProbeResult& r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QStringList itemNames(const ProbeResult& r)
{
    QStringList names;
    for (const ProbeResult& item : r.items)
        names << item.item;
    return names;
}

const QByteArray kHeartbeat
    = R"({"last_activity":"2026-11-22T11:12:00Z","connected":true,"error_count":0,"processed_count":1234,"status":"healthy"})";

} // namespace

class TestRedisProbe : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void keyReadsValueAndTtl();
    void keyWithoutExpiryHasTtlMinusOne();
    void missingKeyIsMissing();
    void watchedKeyExpires();
    void plainTextValueStaysTheBody();
    void binaryGarbageValue();
    void hugeValueIsRefusedWithoutReadingIt();
    void wrongTypeIsMisconfigured();
    void hashBecomesJsonObject();
    void missingHashIsMissing();
    void streamNewestEntry();
    void emptyStreamIsMissing();
    void patternScansEveryMatchingKey();
    void patternKeysComeAndGo();
    void patternWalksTheCursorPastOneBatch();
    void pingOnAHealthyServer();
    void pingOnAReplicaWithItsLinkDown();
    void pingWhileLoadingIsStarting();
    void aclUserRestrictedToHealthKeys();
    void wrongPasswordIsAuthRejected();
    void badDatabaseIndexIsMisconfigured();
    void refusedIsRefused();
    void silentServerTimesOut();
    void garbageIsAProtocolError();
    void serverKilledAndRestartedWhileChecksRun();
    void tlsEndToEnd();
    void unknownServerIsMisconfigured();
    void cancelledProbeStaysSilent();

private:
    hdtest::RedisServer m_server;
    std::unique_ptr<hd::RedisPool> m_pool;
};

void TestRedisProbe::initTestCase()
{
    qRegisterMetaType<ProbeResult>();
    QVERIFY2(m_server.start(), qPrintable(m_server.error()));
    m_pool = std::make_unique<hd::RedisPool>(configFor({ m_server.config(QStringLiteral("main")) }));
}

void TestRedisProbe::init()
{
    QCOMPARE(m_server.cli({ QStringLiteral("FLUSHALL") }), QByteArray("OK"));
}

void TestRedisProbe::keyReadsValueAndTtl()
{
    m_server.cli({ QStringLiteral("SETEX"), QStringLiteral("health:ingestion"), QStringLiteral("60"),
        QString::fromUtf8(kHeartbeat) });
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:ingestion")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.body, kHeartbeat);
    QVERIFY(r.ttlMs.has_value());
    QVERIFY2(*r.ttlMs > 55'000 && *r.ttlMs <= 60'000, qPrintable(QString::number(*r.ttlMs)));
    QVERIFY(r.connected);
    QVERIFY(r.latencyMs > 0 && r.latencyMs < 3000);
    QCOMPARE(r.ip, QStringLiteral("127.0.0.1"));
    QVERIFY(r.finishedAt.isValid());
    QVERIFY(r.error.isEmpty());
}

void TestRedisProbe::keyWithoutExpiryHasTtlMinusOne()
{
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:legacy"), QStringLiteral("OK") });
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:legacy")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.body, QByteArray("OK"));
    QCOMPARE(r.ttlMs, std::optional<qint64>(-1));
}

void TestRedisProbe::missingKeyIsMissing()
{
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:x")));
    QCOMPARE(r.outcome, Outcome::Missing);
    QCOMPARE(r.error, QStringLiteral("key health:x is missing (expired or never written)"));
    QVERIFY(r.connected);
    QVERIFY(r.body.isEmpty());
}

void TestRedisProbe::watchedKeyExpires()
{
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:worker1"), QString::fromUtf8(kHeartbeat),
        QStringLiteral("PX"), QStringLiteral("400") });
    const hd::CheckConfig check = redisCheck(Mode::Key, QStringLiteral("health:worker1"));
    const ProbeResult first = run(*m_pool, check);
    QCOMPARE(first.outcome, Outcome::Completed);
    QVERIFY(first.ttlMs.value_or(0) > 0 && first.ttlMs.value_or(0) <= 400);
    // The writer stopped: polling goes on until the key has expired.
    QTRY_COMPARE_WITH_TIMEOUT(run(*m_pool, check).outcome, Outcome::Missing, 5000);
    QCOMPARE(run(*m_pool, check).error, QStringLiteral("key health:worker1 is missing (expired or never written)"));
}

void TestRedisProbe::plainTextValueStaysTheBody()
{
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:legacy"), QStringLiteral("all good, 3 workers") });
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:legacy")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.body, QByteArray("all good, 3 workers"));
}

void TestRedisProbe::binaryGarbageValue()
{
    QByteArray garbage;
    for (int i = 0; i < 4096; ++i)
        garbage += char((i * 37 + 11) % 256);
    garbage += "\r\n$-1\r\n*3\r\n";
    m_server.cli({ QStringLiteral("-x"), QStringLiteral("SET"), QStringLiteral("health:garbage") }, garbage);
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:garbage")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.body, garbage);
}

void TestRedisProbe::hugeValueIsRefusedWithoutReadingIt()
{
    // SETRANGE makes a 100 MB value inside the server without sending it.
    QCOMPARE(m_server.cli({ QStringLiteral("SETRANGE"), QStringLiteral("health:huge"), QStringLiteral("104857599"),
                 QStringLiteral("x") }),
        QByteArray("104857600"));
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:small"), QStringLiteral("{\"status\":\"healthy\"}") });
    const auto sentBytes = [this] {
        const QByteArray stats = m_server.cli({ QStringLiteral("INFO"), QStringLiteral("stats") });
        for (const QByteArray& line : stats.split('\n')) {
            if (line.startsWith("total_net_output_bytes:"))
                return line.mid(23).trimmed().toLongLong();
        }
        return -1LL;
    };
    const qint64 before = sentBytes();

    // The huge key and a normal one, on the same shared connection at the same time.
    std::unique_ptr<hd::Probe> huge(
        hd::createRedisProbe(redisCheck(Mode::Key, QStringLiteral("health:huge")), m_pool.get(), kMaxBody, nullptr));
    std::unique_ptr<hd::Probe> small(
        hd::createRedisProbe(redisCheck(Mode::Key, QStringLiteral("health:small")), m_pool.get(), kMaxBody, nullptr));
    QSignalSpy hugeSpy(huge.get(), &hd::Probe::finished);
    QSignalSpy smallSpy(small.get(), &hd::Probe::finished);
    huge->start();
    small->start();
    QTRY_VERIFY(hugeSpy.size() == 1 && smallSpy.size() == 1);

    const ProbeResult h = hugeSpy.first().first().value<ProbeResult>();
    QCOMPARE(h.outcome, Outcome::BodyTooLarge);
    QCOMPARE(h.error,
        QStringLiteral("value of key health:huge is 104857600 bytes, over the limit of 65536 bytes; not read"));
    QVERIFY(h.body.isEmpty());
    const ProbeResult s = smallSpy.first().first().value<ProbeResult>();
    QCOMPARE(s.outcome, Outcome::Completed);
    QCOMPARE(s.body, QByteArray("{\"status\":\"healthy\"}"));
    // The server never sent the value: far less than 100 MB left it (the INFO replies included).
    const qint64 sent = sentBytes() - before;
    QVERIFY2(sent >= 0 && sent < 1024 * 1024, qPrintable(QString::number(sent)));
}

void TestRedisProbe::wrongTypeIsMisconfigured()
{
    m_server.cli(
        { QStringLiteral("HSET"), QStringLiteral("health:hash"), QStringLiteral("status"), QStringLiteral("healthy") });
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:hash")));
    QCOMPARE(r.outcome, Outcome::Misconfigured);
    QCOMPARE(r.error, QStringLiteral("WRONGTYPE Operation against a key holding the wrong kind of value"));

    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:string"), QStringLiteral("x") });
    QCOMPARE(run(*m_pool, redisCheck(Mode::Hash, QStringLiteral("health:string"))).outcome, Outcome::Misconfigured);
    QCOMPARE(run(*m_pool, redisCheck(Mode::Stream, QStringLiteral("health:string"))).outcome, Outcome::Misconfigured);
}

void TestRedisProbe::hashBecomesJsonObject()
{
    m_server.cli({ QStringLiteral("HSET"), QStringLiteral("heartbeat:worker-1"), QStringLiteral("status"),
        QStringLiteral("healthy"), QStringLiteral("last_seen"), QStringLiteral("1795345900"), QStringLiteral("pid"),
        QStringLiteral("4242") });
    m_server.cli({ QStringLiteral("EXPIRE"), QStringLiteral("heartbeat:worker-1"), QStringLiteral("30") });
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Hash, QStringLiteral("heartbeat:worker-1")));
    QCOMPARE(r.outcome, Outcome::Completed);
    const QJsonObject body = bodyObject(r);
    QCOMPARE(body.value(QLatin1String("status")).toString(), QStringLiteral("healthy"));
    QCOMPARE(body.value(QLatin1String("last_seen")).toDouble(), 1795345900.0);
    QCOMPARE(body.value(QLatin1String("pid")).toDouble(), 4242.0);
    QCOMPARE(body.size(), 3);
    QVERIFY(r.ttlMs.value_or(0) > 25'000);
}

void TestRedisProbe::missingHashIsMissing()
{
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Hash, QStringLiteral("heartbeat:gone")));
    QCOMPARE(r.outcome, Outcome::Missing);
    QCOMPARE(r.error, QStringLiteral("hash heartbeat:gone is missing (expired or never written)"));
}

void TestRedisProbe::streamNewestEntry()
{
    m_server.cli({ QStringLiteral("XADD"), QStringLiteral("health:events"), QStringLiteral("1-0"),
        QStringLiteral("service"), QStringLiteral("ingestion"), QStringLiteral("status"), QStringLiteral("starting") });
    m_server.cli({ QStringLiteral("XADD"), QStringLiteral("health:events"), QStringLiteral("2-0"),
        QStringLiteral("service"), QStringLiteral("ingestion"), QStringLiteral("status"), QStringLiteral("healthy") });
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Stream, QStringLiteral("health:events")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.body, QByteArray(R"({"service":"ingestion","status":"healthy"})"));
}

void TestRedisProbe::emptyStreamIsMissing()
{
    QCOMPARE(run(*m_pool, redisCheck(Mode::Stream, QStringLiteral("health:nostream"))).outcome, Outcome::Missing);
    m_server.cli({ QStringLiteral("XADD"), QStringLiteral("health:events"), QStringLiteral("1-0"), QStringLiteral("a"),
        QStringLiteral("b") });
    m_server.cli({ QStringLiteral("XDEL"), QStringLiteral("health:events"), QStringLiteral("1-0") });
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Stream, QStringLiteral("health:events")));
    QCOMPARE(r.outcome, Outcome::Missing);
    QCOMPARE(r.error, QStringLiteral("stream health:events is missing or has no entries"));
}

void TestRedisProbe::patternScansEveryMatchingKey()
{
    for (const char* name : { "health:worker2", "health:worker1", "health:worker3" })
        m_server.cli({ QStringLiteral("SETEX"), QString::fromLatin1(name), QStringLiteral("60"),
            QString::fromUtf8(kHeartbeat) });
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:ingestion"), QStringLiteral("{}") });
    m_server.cli(
        { QStringLiteral("HSET"), QStringLiteral("health:workerhash"), QStringLiteral("a"), QStringLiteral("b") });

    const ProbeResult r = run(*m_pool, redisCheck(Mode::Pattern, QStringLiteral("health:worker*")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(itemNames(r),
        (QStringList { QStringLiteral("health:worker1"), QStringLiteral("health:worker2"),
            QStringLiteral("health:worker3"), QStringLiteral("health:workerhash") }));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(r.items.at(i).outcome, Outcome::Completed);
        QCOMPARE(r.items.at(i).body, kHeartbeat);
        QVERIFY(r.items.at(i).ttlMs.value_or(0) > 0);
        QVERIFY(r.items.at(i).connected);
    }
    // A key of the wrong type is its own row's problem, not the whole check's.
    QCOMPARE(r.items.at(3).outcome, Outcome::Misconfigured);
    QVERIFY(r.items.at(3).error.startsWith(QLatin1String("WRONGTYPE")));
}

void TestRedisProbe::patternKeysComeAndGo()
{
    const hd::CheckConfig check = redisCheck(Mode::Pattern, QStringLiteral("health:worker*"));
    QCOMPARE(run(*m_pool, check).items.size(), 0);
    QCOMPARE(run(*m_pool, check).outcome, Outcome::Completed);

    m_server.cli(
        { QStringLiteral("SETEX"), QStringLiteral("health:worker1"), QStringLiteral("60"), QStringLiteral("{}") });
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:worker2"), QStringLiteral("{}"), QStringLiteral("PX"),
        QStringLiteral("300") });
    ProbeResult r = run(*m_pool, check);
    QCOMPARE(itemNames(r), (QStringList { QStringLiteral("health:worker1"), QStringLiteral("health:worker2") }));

    // worker2 expires, worker3 appears.
    m_server.cli(
        { QStringLiteral("SETEX"), QStringLiteral("health:worker3"), QStringLiteral("60"), QStringLiteral("{}") });
    QTRY_COMPARE_WITH_TIMEOUT(itemNames(run(*m_pool, check)),
        (QStringList { QStringLiteral("health:worker1"), QStringLiteral("health:worker3") }), 5000);
    m_server.cli({ QStringLiteral("DEL"), QStringLiteral("health:worker1"), QStringLiteral("health:worker3") });
    QCOMPARE(run(*m_pool, check).items.size(), 0);
}

void TestRedisProbe::patternWalksTheCursorPastOneBatch()
{
    // More keys than one SCAN COUNT 1000 batch, among keys that do not match.
    QCOMPARE(m_server.cli({ QStringLiteral("EVAL"),
                 QStringLiteral("for i=1,2500 do redis.call('SET','health:bulk:'..i,'{}') "
                                "redis.call('SET','other:'..i,'x') end return 1"),
                 QStringLiteral("0") }),
        QByteArray("1"));
    const ProbeResult r
        = run(*m_pool, redisCheck(Mode::Pattern, QStringLiteral("health:bulk:*"), QStringLiteral("main"), 10'000));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.items.size(), 2500);
    QSet<QString> names;
    for (const ProbeResult& item : r.items) {
        QCOMPARE(item.outcome, Outcome::Completed);
        names.insert(item.item);
    }
    QCOMPARE(names.size(), 2500);
    QVERIFY(names.contains(QStringLiteral("health:bulk:1")) && names.contains(QStringLiteral("health:bulk:2500")));
}

void TestRedisProbe::pingOnAHealthyServer()
{
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Ping, {}));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.statusHint, std::optional<hd::Status>(hd::Status::Ok));
    QVERIFY(r.hintDetail.isEmpty());
    const QJsonObject info = bodyObject(r);
    QCOMPARE(info.value(QLatin1String("role")).toString(), QStringLiteral("master"));
    QVERIFY(info.value(QLatin1String("connected_clients")).toDouble() >= 1);
}

void TestRedisProbe::pingOnAReplicaWithItsLinkDown()
{
    hdtest::RedisServer replica;
    QVERIFY2(replica.start(), qPrintable(replica.error()));
    const quint16 deadMaster = hdtest::freePort();
    QCOMPARE(replica.cli({ QStringLiteral("REPLICAOF"), QStringLiteral("127.0.0.1"), QString::number(deadMaster) }),
        QByteArray("OK"));
    hd::RedisPool pool(configFor({ replica.config(QStringLiteral("replica")) }));
    const ProbeResult r = run(pool, redisCheck(Mode::Ping, {}, QStringLiteral("replica")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.statusHint, std::optional<hd::Status>(hd::Status::Degraded));
    QVERIFY2(
        r.hintDetail.contains(u"replication link to master 127.0.0.1:" + QString::number(deadMaster) + u" is down"),
        qPrintable(r.hintDetail));
}

void TestRedisProbe::pingWhileLoadingIsStarting()
{
    // A real server is loading only for a moment at start; the fake answers as one would.
    hdtest::FakeRedisServer fake(
        hdtest::FakeRedisServer::Mode::Canned, QByteArray("-LOADING Redis is loading the dataset in memory\r\n"));
    QVERIFY(fake.listen());
    hd::RedisPool pool(configFor({ fake.config(QStringLiteral("loading")) }));
    const ProbeResult r = run(pool, redisCheck(Mode::Ping, {}, QStringLiteral("loading")));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.statusHint, std::optional<hd::Status>(hd::Status::Starting));
    QCOMPARE(r.hintDetail, QStringLiteral("LOADING Redis is loading the dataset in memory"));
}

void TestRedisProbe::aclUserRestrictedToHealthKeys()
{
    hdtest::RedisServer server;
    hd::RedisServerProcess::Options options;
    options.requirePass = QStringLiteral("adminpw");
    options.users << hd::RedisServerProcess::AclUser { QStringLiteral("dash"), QStringLiteral("dashpw"),
        QStringLiteral("~health:* +@read +@connection +info +ping") };
    QVERIFY2(server.start(options), qPrintable(server.error()));
    server.cli({ QStringLiteral("SETEX"), QStringLiteral("health:ingestion"), QStringLiteral("60"),
        QString::fromUtf8(kHeartbeat) });
    server.cli({ QStringLiteral("SET"), QStringLiteral("secret:key"), QStringLiteral("x") });

    hd::RedisServerConfig dash = server.config(QStringLiteral("dash"));
    dash.username = QStringLiteral("dash");
    dash.password = QStringLiteral("dashpw");
    hd::RedisPool pool(configFor({ dash }));

    const ProbeResult key
        = run(pool, redisCheck(Mode::Key, QStringLiteral("health:ingestion"), QStringLiteral("dash")));
    QCOMPARE(key.outcome, Outcome::Completed);
    QCOMPARE(key.body, kHeartbeat);
    QCOMPARE(run(pool, redisCheck(Mode::Ping, {}, QStringLiteral("dash"))).outcome, Outcome::Completed);
    QCOMPARE(run(pool, redisCheck(Mode::Pattern, QStringLiteral("health:*"), QStringLiteral("dash"))).items.size(), 1);

    const ProbeResult outside = run(pool, redisCheck(Mode::Key, QStringLiteral("secret:key"), QStringLiteral("dash")));
    QCOMPARE(outside.outcome, Outcome::AuthRejected);
    QVERIFY2(outside.error.startsWith(QLatin1String("NOPERM")), qPrintable(outside.error));
}

void TestRedisProbe::wrongPasswordIsAuthRejected()
{
    hdtest::RedisServer server;
    hd::RedisServerProcess::Options options;
    options.requirePass = QStringLiteral("right");
    QVERIFY2(server.start(options), qPrintable(server.error()));
    hd::RedisServerConfig wrong = server.config(QStringLiteral("wrong"));
    wrong.password = QStringLiteral("wrong");
    hd::RedisServerConfig none = server.config(QStringLiteral("none"));
    none.password.clear();
    hd::RedisPool pool(configFor({ wrong, none }));

    const ProbeResult r = run(pool, redisCheck(Mode::Key, QStringLiteral("health:x"), QStringLiteral("wrong")));
    QCOMPARE(r.outcome, Outcome::AuthRejected);
    QVERIFY2(r.error.startsWith(QLatin1String("WRONGPASS")), qPrintable(r.error));
    const ProbeResult noauth = run(pool, redisCheck(Mode::Key, QStringLiteral("health:x"), QStringLiteral("none")));
    QCOMPARE(noauth.outcome, Outcome::AuthRejected);
    QVERIFY2(noauth.error.startsWith(QLatin1String("NOAUTH")), qPrintable(noauth.error));
}

void TestRedisProbe::badDatabaseIndexIsMisconfigured()
{
    hd::RedisServerConfig config = m_server.config(QStringLiteral("db99"));
    config.db = 99;
    hd::RedisPool pool(configFor({ config }));
    const ProbeResult r = run(pool, redisCheck(Mode::Key, QStringLiteral("health:x"), QStringLiteral("db99")));
    QCOMPARE(r.outcome, Outcome::Misconfigured);
    QCOMPARE(r.error, QStringLiteral("ERR DB index is out of range"));
}

void TestRedisProbe::refusedIsRefused()
{
    hd::RedisServerConfig config = m_server.config(QStringLiteral("nowhere"));
    config.port = hdtest::freePort();
    hd::RedisPool pool(configFor({ config }));
    const ProbeResult r = run(pool, redisCheck(Mode::Key, QStringLiteral("health:x"), QStringLiteral("nowhere")));
    QCOMPARE(r.outcome, Outcome::Refused);
    QVERIFY(!r.connected);
    QVERIFY2(r.error.contains(QLatin1String("connection refused")), qPrintable(r.error));
}

void TestRedisProbe::silentServerTimesOut()
{
    hdtest::FakeRedisServer fake(hdtest::FakeRedisServer::Mode::Silent);
    QVERIFY(fake.listen());
    hd::RedisPool pool(configFor({ fake.config(QStringLiteral("silent")) }));
    QElapsedTimer clock;
    clock.start();
    const ProbeResult r = run(pool, redisCheck(Mode::Key, QStringLiteral("health:x"), QStringLiteral("silent"), 500));
    QCOMPARE(r.outcome, Outcome::Timeout);
    QVERIFY(clock.elapsed() >= 490 && clock.elapsed() < 1500);
    QVERIFY(r.connected);
}

void TestRedisProbe::garbageIsAProtocolError()
{
    hdtest::FakeRedisServer fake(hdtest::FakeRedisServer::Mode::Garbage, QByteArray("\x16\x03\x01\x02\x00garbage\r\n"));
    QVERIFY(fake.listen());
    hd::RedisPool pool(configFor({ fake.config(QStringLiteral("garbage")) }));
    const ProbeResult r = run(pool, redisCheck(Mode::Key, QStringLiteral("health:x"), QStringLiteral("garbage")));
    QCOMPARE(r.outcome, Outcome::ProtocolError);
    QVERIFY2(r.error.startsWith(QLatin1String("protocol error from redis garbage")), qPrintable(r.error));
    QCOMPARE(pool.connection(QStringLiteral("garbage"))->state(), hd::RedisConnection::State::Backoff);
}

void TestRedisProbe::serverKilledAndRestartedWhileChecksRun()
{
    hdtest::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    hd::RedisPool pool(configFor({ server.config(QStringLiteral("flaky")) }));
    const hd::CheckConfig check
        = redisCheck(Mode::Key, QStringLiteral("health:ingestion"), QStringLiteral("flaky"), 1000);
    server.cli({ QStringLiteral("SET"), QStringLiteral("health:ingestion"), QString::fromUtf8(kHeartbeat) });

    // A check polling every 100 ms, like the scheduler would.
    QList<ProbeResult> results;
    QTimer poll;
    poll.setInterval(100);
    QObject::connect(&poll, &QTimer::timeout, &poll, [&] {
        auto* probe = hd::createRedisProbe(check, &pool, kMaxBody, &poll);
        QObject::connect(probe, &hd::Probe::finished, probe, [&, probe](const ProbeResult& r) {
            results << r;
            probe->deleteLater();
        });
        probe->start();
    });
    poll.start();
    QTRY_VERIFY(!results.isEmpty() && results.last().outcome == Outcome::Completed);

    server.process().kill();
    QTRY_VERIFY(results.last().outcome == Outcome::Refused);
    const qsizetype failedFrom = results.size();

    QVERIFY2(server.process().restart(), qPrintable(server.process().errorString()));
    server.cli({ QStringLiteral("SET"), QStringLiteral("health:ingestion"), QString::fromUtf8(kHeartbeat) });
    QTRY_VERIFY_WITH_TIMEOUT(results.last().outcome == Outcome::Completed, 15'000);
    poll.stop();
    QCOMPARE(results.last().body, kHeartbeat);
    QVERIFY(results.last().connected);
    // Every failure in between said what happened, quickly and without hanging.
    for (qsizetype i = failedFrom - 1; i < results.size(); ++i) {
        const ProbeResult& r = results.at(i);
        QVERIFY2(r.outcome == Outcome::Completed || r.outcome == Outcome::Refused || r.outcome == Outcome::ProtocolError
                || r.outcome == Outcome::Missing,
            qPrintable(hd::outcomeName(r.outcome) + u' ' + r.error));
        QVERIFY(r.latencyMs < 1500);
    }
}

void TestRedisProbe::tlsEndToEnd()
{
    hdtest::TlsFixture tls;
    QVERIFY2(tls.isValid(), qPrintable(tls.errorString()));
    hdtest::RedisServer server;
    hd::RedisServerProcess::Options options;
    options.tls = true;
    options.tlsCertFile = tls.serverCertFile();
    options.tlsKeyFile = tls.serverKeyFile();
    options.tlsCaFile = tls.caFile();
    QVERIFY2(server.start(options), qPrintable(server.error()));
    server.cli({ QStringLiteral("SETEX"), QStringLiteral("health:ingestion"), QStringLiteral("60"),
        QString::fromUtf8(kHeartbeat) });

    hd::RedisServerConfig secure = server.config(QStringLiteral("secure"));
    secure.port = server.process().tlsPort();
    secure.tls = true;
    secure.tlsFiles.caFile = tls.caFile();
    hd::RedisServerConfig untrusted = secure;
    untrusted.name = QStringLiteral("untrusted");
    untrusted.tlsFiles.caFile.clear();
    hd::RedisPool pool(configFor({ secure, untrusted }));

    const ProbeResult ok
        = run(pool, redisCheck(Mode::Key, QStringLiteral("health:ingestion"), QStringLiteral("secure")));
    QCOMPARE(ok.outcome, Outcome::Completed);
    QCOMPARE(ok.body, kHeartbeat);
    const ProbeResult bad
        = run(pool, redisCheck(Mode::Key, QStringLiteral("health:ingestion"), QStringLiteral("untrusted")));
    QCOMPARE(bad.outcome, Outcome::TlsError);
    QVERIFY(!bad.connected);
}

void TestRedisProbe::unknownServerIsMisconfigured()
{
    const ProbeResult r = run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:x"), QStringLiteral("nosuch")));
    QCOMPARE(r.outcome, Outcome::Misconfigured);
    QCOMPARE(r.error, QStringLiteral("no redis server named \"nosuch\" in the config"));
}

void TestRedisProbe::cancelledProbeStaysSilent()
{
    m_server.cli({ QStringLiteral("SET"), QStringLiteral("health:x"), QStringLiteral("1") });
    std::unique_ptr<hd::Probe> probe(
        hd::createRedisProbe(redisCheck(Mode::Key, QStringLiteral("health:x")), m_pool.get(), kMaxBody, nullptr));
    QSignalSpy spy(probe.get(), &hd::Probe::finished);
    probe->start();
    probe->cancel();
    // A later probe on the same connection completes, so the cancelled one's replies have arrived too.
    QCOMPARE(run(*m_pool, redisCheck(Mode::Key, QStringLiteral("health:x"))).outcome, Outcome::Completed);
    QCOMPARE(spy.size(), 0);
}

QTEST_GUILESS_MAIN(TestRedisProbe)
#include "tst_redisprobe.moc"
