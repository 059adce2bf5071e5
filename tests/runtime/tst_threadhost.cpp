#include "core/threadhost.h"

#include <QSemaphore>
#include <QTest>
#include <atomic>
#include <memory>

using namespace hd;

namespace {

// Records where it was made and where it died, and the order of the work it was given.
struct Probe final : QObject {
    explicit Probe(std::shared_ptr<std::atomic<QThread*>> diedOn)
        : m_diedOn(std::move(diedOn))
    {
    }
    ~Probe() override { m_diedOn->store(QThread::currentThread()); }
    QList<int> work;
    std::shared_ptr<std::atomic<QThread*>> m_diedOn;
};

} // namespace

class TestThreadHost : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Making the object is left to its thread: the constructor returns while make() is still held up, and work
    // posted meanwhile runs after it, in order, on that thread.
    void startsWithoutWaitingAndKeepsOrder()
    {
        QSemaphore release;
        auto diedOn = std::make_shared<std::atomic<QThread*>>(nullptr);
        std::atomic<QThread*> madeOn { nullptr };
        auto seen = std::make_shared<QList<int>>();
        QSemaphore done;
        {
            ThreadHost<Probe> host(QStringLiteral("test-host"), [&] {
                release.acquire(); // held until the test lets it go
                madeOn.store(QThread::currentThread());
                return new Probe(diedOn);
            });
            // Still being made: had the constructor waited for make(), the test would never get here.
            QCOMPARE(madeOn.load(), nullptr);
            for (int i = 0; i < 3; ++i) {
                host.post([i, seen, &done](Probe& p) {
                    QCOMPARE(p.thread(), QThread::currentThread());
                    p.work << i;
                    *seen = p.work;
                    done.release();
                });
            }
            release.release();
            QVERIFY(done.tryAcquire(3, 5000));
            QCOMPARE(*seen, (QList<int> { 0, 1, 2 }));
            QVERIFY(madeOn.load() != QThread::currentThread());
            QCOMPARE(madeOn.load(), host.thread());
        }
        // Destroyed on its own thread, after the queued work, and the thread has ended.
        QVERIFY(diedOn->load() != nullptr);
        QVERIFY(diedOn->load() != QThread::currentThread());
    }

    // Work posted before stop() runs before the object goes; stop() twice is harmless, and nothing runs after it.
    void stopRunsQueuedWorkFirst()
    {
        auto diedOn = std::make_shared<std::atomic<QThread*>>(nullptr);
        auto ran = std::make_shared<std::atomic<int>>(0);
        ThreadHost<Probe> host(QStringLiteral("test-host"), [diedOn] { return new Probe(diedOn); });
        for (int i = 0; i < 100; ++i)
            host.post([ran](Probe&) { ran->fetch_add(1); });
        host.stop();
        QCOMPARE(ran->load(), 100);
        QVERIFY(diedOn->load() != nullptr);
        QVERIFY(host.thread()->isFinished());
        host.post([ran](Probe&) { ran->fetch_add(1); });
        host.stop();
        QCOMPARE(ran->load(), 100);
    }

    // A host whose make() gives nothing drops work rather than crashing.
    void nullObjectDropsWork()
    {
        auto ran = std::make_shared<std::atomic<int>>(0);
        ThreadHost<Probe> host(QStringLiteral("test-host"), [] { return nullptr; });
        host.post([ran](Probe&) { ran->fetch_add(1); });
        host.stop();
        QCOMPARE(ran->load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestThreadHost)
#include "tst_threadhost.moc"
