// AdminService: the dashboard's admin client, which runs the actions on a thread of its own. Against loopback
// servers that run on threads of their own too, so that a request can reach one while the test's thread (the
// service's caller) is blocked and runs no event loop.
#include "admin/adminclient.h"
#include "admin/adminservice.h"
#include "config/configloader.h"
#include "core/threadhost.h"
#include "store/historystore.h"
#include "support/hostileserver.h"

#include <QMutex>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <memory>

using namespace hd;
using namespace hdtest;

namespace {

const QString kService = QStringLiteral("ops");
const QString kPing = QStringLiteral("ping");
const QString kRestart = QStringLiteral("restart");

// A HostileServer on a thread of its own.
class ServerThread {
public:
    explicit ServerThread(HostileServer::Mode mode)
        : m_host(QStringLiteral("test-server"), [this, mode] {
            auto* server = new HostileServer(mode);
            m_port = server->listen() ? server->port() : 0;
            QObject::connect(server, &HostileServer::requestReceived, server, [this, server] {
                {
                    const QMutexLocker lock(&m_mutex);
                    m_requests += server->requests().constLast();
                }
                m_received.release();
            });
            m_ready.release();
            return server;
        })
    {
        m_ready.acquire();
    }

    quint16 port() const { return m_port; }
    QByteArray url() const { return "http://127.0.0.1:" + QByteArray::number(m_port); }
    // Blocks this thread, event loop and all, until the server has read a request.
    bool waitForRequest(int timeoutMs) { return m_received.tryAcquire(1, timeoutMs); }
    QList<RecordedRequest> requests() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_requests;
    }

private:
    QSemaphore m_ready;
    QSemaphore m_received;
    std::atomic<quint16> m_port { 0 };
    mutable QMutex m_mutex;
    QList<RecordedRequest> m_requests;
    ThreadHost<HostileServer> m_host; // last: stopped before the members above go
};

// Stands in for the system keychain, and notes the threads it is called on.
class RecordingSecretStore final : public SecretStore {
public:
    QString name() const override { return QStringLiteral("the test secret store"); }
    void readSecret(const QString& key, QObject* context, ReadDone done) override
    {
        const QString secret = note(key, {});
        QTimer::singleShot(
            0, context, [secret, key, done] { done(secret, secret.isEmpty() ? u"no " + key : QString()); });
    }
    void writeSecret(const QString& key, const QString& secret, QObject* context, WriteDone done) override
    {
        note(key, secret);
        QTimer::singleShot(0, context, [done] { done({}); });
    }
    void deleteSecret(const QString&, QObject* context, WriteDone done) override
    {
        QTimer::singleShot(0, context, [done] { done({}); });
    }

    void set(const QString& key, const QString& secret)
    {
        const QMutexLocker lock(&m_mutex);
        m_secrets.insert(key, secret);
    }
    QString value(const QString& key) const
    {
        const QMutexLocker lock(&m_mutex);
        return m_secrets.value(key);
    }
    QList<QThread*> threads() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_threads;
    }

private:
    QString note(const QString& key, const QString& written)
    {
        const QMutexLocker lock(&m_mutex);
        m_threads += QThread::currentThread();
        if (!written.isEmpty())
            m_secrets.insert(key, written);
        return m_secrets.value(key);
    }

    mutable QMutex m_mutex;
    QHash<QString, QString> m_secrets;
    QList<QThread*> m_threads;
};

} // namespace

class TestAdminService : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void runsOnTheAdminThread();
    void secretStoreIsUsedOnTheAdminThread();
    void secondRunWhileBusyIsRefusedAndNotSent();
    void refusalsAreDecidedAtOnceAndAudited();
    void destroyedWithARequestInFlight();

private:
    Config config(const QByteArray& url, const QByteArray& auth = {}, const QByteArray& timeout = "5s") const;
    AdminResult waitForResult(QSignalSpy& finished, quint64 id);

    QTemporaryDir m_dir;
    int m_files = 0;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<AdminService> m_service;
};

void TestAdminService::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestAdminService::init()
{
    HistoryOptions options;
    options.path = m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(++m_files));
    m_store = std::make_unique<HistoryStore>(options);
    QVERIFY(m_store->open());
    m_service = std::make_unique<AdminService>();
    m_service->setHistoryStore(m_store.get());
}

void TestAdminService::cleanup()
{
    m_service.reset();
    if (m_store)
        m_store->close();
    m_store.reset();
}

Config TestAdminService::config(const QByteArray& url, const QByteArray& auth, const QByteArray& timeout) const
{
    const QByteArray yaml = "version: 1\n"
                            "services:\n"
                            "  - name: ops\n"
                            "    checks:\n"
                            "      - { name: live, http: { url: \""
        + url
        + "/health\" } }\n"
          "admin:\n"
          "  ops:\n"
          "    timeout: "
        + timeout + "\n" + auth
        + "    actions:\n"
          "      - { name: ping, method: GET, path: /ping }\n"
          "      - { name: restart, method: POST, path: /restart, confirm: true }\n";
    const ConfigLoadResult loaded = loadConfigString(yaml, QStringLiteral("admin.yaml"), QProcessEnvironment());
    if (!loaded.ok())
        qWarning("%s", qPrintable(loaded.errorText()));
    return loaded.ok() ? *loaded.config : Config();
}

AdminResult TestAdminService::waitForResult(QSignalSpy& finished, quint64 id)
{
    AdminResult found;
    const bool arrived = QTest::qWaitFor(
        [&] {
            for (const QList<QVariant>& args : std::as_const(finished)) {
                const auto r = args.first().value<AdminResult>();
                if (r.requestId == id) {
                    found = r;
                    return true;
                }
            }
            return false;
        },
        10'000);
    if (!arrived)
        qWarning("no result for request %llu", static_cast<unsigned long long>(id));
    return found;
}

void TestAdminService::runsOnTheAdminThread()
{
    ServerThread server(HostileServer::Mode::Ok);
    QVERIFY(server.port() != 0);
    m_service->setConfig(config(server.url()));
    QVERIFY(m_service->adminThread() != QThread::currentThread());

    QSignalSpy started(m_service.get(), &AdminService::started);
    QSignalSpy busy(m_service.get(), &AdminService::busyChanged);
    QSignalSpy finished(m_service.get(), &AdminService::finished);
    QThread* finishedOn = nullptr;
    QList<bool> busyWhenFinished;
    connect(m_service.get(), &AdminService::finished, this, [&](const AdminResult& r) {
        finishedOn = QThread::currentThread();
        busyWhenFinished += m_service->isBusy(r.service);
    });

    const quint64 id = m_service->run(kService, kPing, {});
    QVERIFY(id != 0);
    // Known before control returns to the event loop: a button can be disabled at once.
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().at(0).toULongLong(), id);
    QCOMPARE(busy.size(), 1);
    QCOMPARE(busy.first().at(1).toBool(), true);
    QVERIFY(m_service->isBusy(kService));
    QCOMPARE(finished.size(), 0);

    // This thread is blocked, with no event loop running: the request can only go out from another thread.
    QVERIFY2(server.waitForRequest(5000), "the request did not go out while the caller's thread was blocked");
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests().first().path, QByteArray("/ping"));

    const AdminResult r = waitForResult(finished, id);
    QCOMPARE(r.requestId, id);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QVERIFY2(r.audited, qPrintable(r.auditError));
    QCOMPARE(finishedOn, QThread::currentThread()); // the signals come on the caller's thread
    QCOMPARE(busyWhenFinished, QList<bool>({ false }));
    QCOMPARE(busy.size(), 2);
    QCOMPARE(busy.last().at(1).toBool(), false);
    QVERIFY(!m_service->isBusy(kService));

    const QList<AuditEntry> audit = m_store->audit({});
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().action, kPing);
    QCOMPARE(audit.first().result, QStringLiteral("success"));
    QCOMPARE(audit.first().osUser, AdminClient::osUser());

    // Ids go on from here, one per call.
    const quint64 next = m_service->run(kService, kPing, {});
    QCOMPARE(next, id + 1);
    QVERIFY(waitForResult(finished, next).ok());
}

void TestAdminService::secretStoreIsUsedOnTheAdminThread()
{
    ServerThread server(HostileServer::Mode::Ok);
    RecordingSecretStore secrets;
    secrets.set(adminSecretKey(kService), QStringLiteral("first-pw"));
    m_service->setSecretStore(&secrets);
    m_service->setConfig(config(server.url(), "    auth: { basic: { username: admin } }\n"));
    QCOMPARE(m_service->secretStoreName(), QStringLiteral("the test secret store"));
    QVERIFY(m_service->usesStoredSecret(kService));

    QSignalSpy finished(m_service.get(), &AdminService::finished);
    const quint64 id = m_service->run(kService, kPing, {});
    QVERIFY(waitForResult(finished, id).ok());
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests().first().header("Authorization"), "Basic " + QByteArray("admin:first-pw").toBase64());

    QSignalSpy stored(m_service.get(), &AdminService::secretStored);
    QThread* storedOn = nullptr;
    connect(m_service.get(), &AdminService::secretStored, this, [&] { storedOn = QThread::currentThread(); });
    m_service->storeSecret(kService, QStringLiteral("second-pw"));
    QTRY_COMPARE_WITH_TIMEOUT(stored.size(), 1, 5000);
    QCOMPARE(stored.first().at(0).toString(), kService);
    QCOMPARE(stored.first().at(1).toBool(), true);
    QCOMPARE(storedOn, QThread::currentThread());
    QCOMPARE(secrets.value(adminSecretKey(kService)), QStringLiteral("second-pw"));

    // The read and the write were made on the admin thread, never on the caller's.
    const QList<QThread*> threads = secrets.threads();
    QCOMPARE(threads.size(), 2);
    for (QThread* t : threads)
        QCOMPARE(t, m_service->adminThread());

    const quint64 again = m_service->run(kService, kPing, {});
    QVERIFY(waitForResult(finished, again).ok());
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(server.requests().last().header("Authorization"), "Basic " + QByteArray("admin:second-pw").toBase64());
}

void TestAdminService::secondRunWhileBusyIsRefusedAndNotSent()
{
    ServerThread server(HostileServer::Mode::Hang);
    m_service->setConfig(config(server.url(), {}, "1s"));
    QSignalSpy started(m_service.get(), &AdminService::started);
    QSignalSpy finished(m_service.get(), &AdminService::finished);

    const quint64 first = m_service->run(kService, kPing, {});
    const quint64 second = m_service->run(kService, kPing, {});
    const quint64 onBehalf = m_service->runOnBehalf(
        kService, kPing, {}, QStringLiteral("auto-heal (tester)"), QStringLiteral("auto-heal attempt 1/3: ops/live"));
    QCOMPARE(started.size(), 1);
    QVERIFY(second != first && onBehalf != second);

    const AdminResult refused = waitForResult(finished, second);
    QCOMPARE(refused.outcome, AdminOutcome::Refused);
    QCOMPARE(refused.message, adminBusyMessage(kService));
    QVERIFY(!refused.sent);
    QVERIFY(m_service->isBusy(kService)); // the first is still waiting for its answer
    const AdminResult refusedOnBehalf = waitForResult(finished, onBehalf);
    QCOMPARE(refusedOnBehalf.outcome, AdminOutcome::Refused);

    const AdminResult timedOut = waitForResult(finished, first);
    QCOMPARE(timedOut.outcome, AdminOutcome::Unknown);
    QVERIFY(!m_service->isBusy(kService));
    QCOMPARE(server.requests().size(), 1); // never resent, and the refused ones never sent

    // Every attempt is audited; the auto-heal one in its initiator's name.
    const QList<AuditEntry> audit = m_store->audit({});
    QCOMPARE(audit.size(), 3);
    bool sawInitiator = false;
    for (const AuditEntry& e : audit) {
        if (e.osUser == u"auto-heal (tester)") {
            sawInitiator = true;
            QCOMPARE(e.result, QStringLiteral("refused"));
            QVERIFY2(e.message.startsWith(u"auto-heal attempt 1/3: ops/live"), qPrintable(e.message));
        }
    }
    QVERIFY(sawInitiator);
}

void TestAdminService::refusalsAreDecidedAtOnceAndAudited()
{
    ServerThread server(HostileServer::Mode::Ok);
    m_service->setConfig(config(server.url()));
    QSignalSpy started(m_service.get(), &AdminService::started);
    QSignalSpy busy(m_service.get(), &AdminService::busyChanged);
    QSignalSpy finished(m_service.get(), &AdminService::finished);

    QVERIFY(m_service->needsConfirmation(kService, kRestart));
    QVERIFY2(m_service->confirmationText(kService, kRestart).startsWith(u"Run restart on ops"),
        qPrintable(m_service->confirmationText(kService, kRestart)));
    const quint64 unconfirmed = m_service->run(kService, kRestart, {});
    const QString unknownAction = m_service->validate(kService, QStringLiteral("nope"), {});
    QVERIFY(!unknownAction.isEmpty());
    const quint64 invalid = m_service->run(kService, QStringLiteral("nope"), {});
    const quint64 cancelled
        = m_service->refuse(kService, kRestart, {}, QStringLiteral("not confirmed: cancelled in the dashboard"));
    m_service->setReadOnly(true);
    QVERIFY(m_service->isReadOnly());
    const quint64 readOnly = m_service->run(kService, kPing, {});
    QCOMPARE(started.size(), 0);
    QCOMPARE(busy.size(), 0);
    QCOMPARE(finished.size(), 0); // never from inside the call

    QCOMPARE(waitForResult(finished, unconfirmed).outcome, AdminOutcome::Refused);
    const AdminResult inv = waitForResult(finished, invalid);
    QCOMPARE(inv.outcome, AdminOutcome::Invalid);
    QCOMPARE(inv.message, unknownAction);
    QCOMPARE(waitForResult(finished, cancelled).message, QStringLiteral("not confirmed: cancelled in the dashboard"));
    const AdminResult ro = waitForResult(finished, readOnly);
    QCOMPARE(ro.outcome, AdminOutcome::Refused);
    QVERIFY2(ro.message.startsWith(u"read-only mode"), qPrintable(ro.message));
    QCOMPARE(m_store->audit({}).size(), 4);
    QVERIFY(server.requests().isEmpty());

    // Back to read-write: the hosted client follows, in order.
    m_service->setReadOnly(false);
    const quint64 ping = m_service->run(kService, kPing, {});
    QCOMPARE(started.size(), 1);
    QVERIFY(waitForResult(finished, ping).ok());
    QCOMPARE(server.requests().size(), 1);
}

void TestAdminService::destroyedWithARequestInFlight()
{
    ServerThread server(HostileServer::Mode::Hang);
    m_service->setConfig(config(server.url(), {}, "30s"));
    QSignalSpy finished(m_service.get(), &AdminService::finished);
    m_service->run(kService, kPing, {});
    QVERIFY(server.waitForRequest(5000));
    QElapsedTimer clock;
    clock.start();
    m_service.reset(); // drops the request without finished(), and does not wait for its answer
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 0);
}

QTEST_GUILESS_MAIN(TestAdminService)
#include "tst_adminservice.moc"
