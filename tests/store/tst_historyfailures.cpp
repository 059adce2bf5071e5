#include "store/historystore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <unistd.h>

using hd::HistoryStore;
using hd::Status;

namespace {

hd::StateEvent makeEvent(qint64 n, const QString& detail)
{
    hd::StateEvent e;
    e.timeMs = QDateTime::currentMSecsSinceEpoch() - 3'600'000 + n; // recent: inside any retention
    e.service = QStringLiteral("api");
    e.check = QStringLiteral("ready");
    e.from = Status::Ok;
    e.to = Status::Down;
    e.detail = detail;
    return e;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A valid history with some events in it, closed (so its WAL is checkpointed away).
void makeHistory(const QString& path, int events)
{
    HistoryStore::Options o;
    o.path = path;
    HistoryStore store(o);
    QVERIFY(store.open());
    QList<hd::StateEvent> list;
    for (int i = 0; i < events; ++i)
        list << makeEvent(i, QStringLiteral("event %1 ").arg(i).repeated(20));
    QVERIFY(store.writeEventsSync(list).ok);
}

} // namespace

class TestHistoryFailures final : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void corruptFileFallsBackToMemory_data();
    void corruptFileFallsBackToMemory();
    void readOnlyFallsBackToMemory_data();
    void readOnlyFallsBackToMemory();
    void fullDiskLosesNoEvent();
    void lockedFileKeepsReadsAndWrites();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestHistoryFailures::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestHistoryFailures::cleanup()
{
    // Read-only directories made by a test must become removable again.
    QDir dir(m_dir->path());
    const auto subdirs = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& sub : subdirs)
        QFile::setPermissions(
            dir.filePath(sub), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_dir.reset();
}

void TestHistoryFailures::corruptFileFallsBackToMemory_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("random bytes") << QStringLiteral("random");
    QTest::newRow("a text file") << QStringLiteral("text");
    QTest::newRow("valid header, damaged pages") << QStringLiteral("pages");
}

void TestHistoryFailures::corruptFileFallsBackToMemory()
{
    QFETCH(QString, kind);
    const QString path = m_dir->filePath(QStringLiteral("history.sqlite"));
    if (kind == u"random") {
        QByteArray bytes(64 * 1024, Qt::Uninitialized);
        QRandomGenerator gen(42);
        gen.fillRange(reinterpret_cast<quint32*>(bytes.data()), bytes.size() / 4);
        QVERIFY(writeAll(path, bytes));
    } else if (kind == u"text") {
        QVERIFY(writeAll(path, "version: 1\nservices: []\n"));
    } else {
        makeHistory(path, 300);
        QByteArray bytes = readAll(path);
        QVERIFY(bytes.size() > 40 * 4096);
        for (qsizetype i = 4096; i < bytes.size(); ++i)
            bytes[i] = char(0xA5 ^ (i * 31));
        QVERIFY(writeAll(path, bytes));
    }
    const QByteArray before = readAll(path);

    HistoryStore::Options o;
    o.path = path;
    HistoryStore store(o);
    QSignalSpy degraded(&store, &HistoryStore::degraded);
    QVERIFY(store.open());
    store.events({}); // damage may only show on a read
    QVERIFY(store.isDegraded());
    const QString reason = store.degradedReason();
    QVERIFY2(reason.contains(u"corrupt"), qPrintable(reason));
    QVERIFY2(reason.contains(path), qPrintable(reason));
    QVERIFY2(reason.contains(u"in memory"), qPrintable(reason));
    QTRY_COMPARE(degraded.count(), 1);

    const auto r = store.writeEventSync(makeEvent(1, QStringLiteral("after the fall")));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(!r.persisted);
    const auto events = store.events({});
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().detail, QStringLiteral("after the fall"));
    store.close();
    QCOMPARE(readAll(path), before); // the damaged file is left as it was, for a human to look at
}

void TestHistoryFailures::readOnlyFallsBackToMemory_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("read-only file") << QStringLiteral("file") << QStringLiteral("history file is read-only");
    QTest::newRow("read-only directory, existing file")
        << QStringLiteral("dir") << QStringLiteral("directory of the history file is read-only");
    QTest::newRow("read-only directory, no file yet")
        << QStringLiteral("newfile") << QStringLiteral("cannot open the history file");
}

void TestHistoryFailures::readOnlyFallsBackToMemory()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    // As root, file modes do not stop writes, so the helper drops to an ordinary user first.
    using P = QFileDevice::Permission;
    const auto all = P::ReadOwner | P::WriteOwner | P::ExeOwner | P::ReadGroup | P::WriteGroup | P::ExeGroup
        | P::ReadOther | P::WriteOther | P::ExeOther;
    const auto readExec = P::ReadOwner | P::ExeOwner | P::ReadGroup | P::ExeGroup | P::ReadOther | P::ExeOther;
    QVERIFY(QFile::setPermissions(m_dir->path(), readExec | P::WriteOwner));
    const QString dir = m_dir->filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(dir));
    const QString path = dir + QStringLiteral("/history.sqlite");
    if (kind != u"newfile")
        makeHistory(path, 5);
    if (kind == u"file") {
        QVERIFY(QFile::setPermissions(dir, all));
        QVERIFY(QFile::setPermissions(path, P::ReadOwner | P::ReadGroup | P::ReadOther));
    } else {
        if (kind == u"dir")
            QVERIFY(QFile::setPermissions(
                path, P::ReadOwner | P::WriteOwner | P::ReadGroup | P::WriteGroup | P::ReadOther | P::WriteOther));
        QVERIFY(QFile::setPermissions(dir, readExec));
    }
    const QByteArray before = readAll(path);

    QProcess helper;
    helper.start(
        QStringLiteral(HD_STORE_HELPER), { QStringLiteral("open"), path, QStringLiteral("--drop-privileges") });
    QVERIFY(helper.waitForFinished(30'000));
    const QString out = QString::fromUtf8(helper.readAllStandardOutput());
    QVERIFY2(helper.exitStatus() == QProcess::NormalExit && helper.exitCode() == 0, qPrintable(out));
    const QStringList lines = out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines.at(0).startsWith(u"degraded "), qPrintable(out));
    QVERIFY2(lines.at(0).contains(expected), qPrintable(out));
    QVERIFY2(lines.at(0).contains(path), qPrintable(out));
    QVERIFY2(lines.at(0).contains(u"in memory"), qPrintable(out));
    // The event was kept (in memory), not dropped.
    QCOMPARE(lines.at(1), QStringLiteral("event persisted=0 ok=1 stored=1"));
    QCOMPARE(readAll(path), before);
}

void TestHistoryFailures::fullDiskLosesNoEvent()
{
    const QString path = m_dir->filePath(QStringLiteral("history.sqlite"));
    HistoryStore::Options o;
    o.path = path;
    o.maxPageCount = 64; // "database or disk is full" once the file reaches 256 KiB
    HistoryStore store(o);
    QSignalSpy degraded(&store, &HistoryStore::degraded);
    QVERIFY(store.open());
    QVERIFY2(!store.isDegraded(), qPrintable(store.degradedReason()));

    QStringList onDisk;
    QStringList inMemory;
    for (int i = 0; i < 2000 && inMemory.size() < 20; ++i) {
        const QString detail = QStringLiteral("event %1 ").arg(i) + QString(1000, u'x');
        hd::WriteResult r;
        if (i % 2) {
            r = store.writeEventSync(makeEvent(i, detail));
        } else {
            bool done = false;
            store.writeEvent(makeEvent(i, detail), this, [&](const hd::WriteResult& result) {
                r = result;
                done = true;
            });
            QTRY_VERIFY(done);
        }
        QVERIFY2(r.ok, qPrintable(r.error)); // no write is ever refused
        if (r.persisted) {
            QVERIFY2(inMemory.isEmpty(), "back on disk after the switch to memory");
            onDisk << detail;
        } else {
            inMemory << detail;
        }
    }
    QVERIFY(onDisk.size() > 10);
    QCOMPARE(inMemory.size(), 20);
    QVERIFY(store.isDegraded());
    const QString reason = store.degradedReason();
    QVERIFY2(reason.contains(u"full"), qPrintable(reason));
    QVERIFY2(reason.contains(path), qPrintable(reason));
    QTRY_COMPARE(degraded.count(), 1);

    // Samples keep flowing too.
    store.addSample({ 5000, QStringLiteral("api/ready"), Status::Down, 2 });
    store.flush();
    QCOMPARE(store.samples({ QStringLiteral("api/ready"), 0, 0, 0 }).size(), 1);

    hd::EventQuery all;
    all.limit = 0;
    all.oldestFirst = true;
    QStringList memoryDetails;
    for (const auto& e : store.events(all))
        memoryDetails << e.detail;
    QCOMPARE(memoryDetails, inMemory);
    store.close();

    // Every event reported as persisted is in the file, and nothing else.
    QStringList fileDetails;
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT detail FROM events ORDER BY id")));
        while (q.next())
            fileDetails << q.value(0).toString();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    QCOMPARE(fileDetails, onDisk);
}

void TestHistoryFailures::lockedFileKeepsReadsAndWrites()
{
    const QString path = m_dir->filePath(QStringLiteral("history.sqlite"));
    HistoryStore::Options o;
    o.path = path;
    o.busyTimeoutMs = 100;
    o.flushIntervalMs = 3'600'000;
    HistoryStore store(o);
    QVERIFY(store.open());
    QVERIFY(store.writeEventSync(makeEvent(0, QStringLiteral("before the lock"))).persisted);

    auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("locker"));
    db.setDatabaseName(path);
    QVERIFY(db.open());
    {
        QSqlQuery lock(db);
        QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE"))); // another process's long write transaction

        // Reads are not blocked by a writer (WAL).
        QString error;
        QCOMPARE(store.eventCount({}, &error), 1);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        // Samples wait for the next flush instead of being dropped.
        store.addSample({ 1000, QStringLiteral("api/ready"), Status::Ok, 1 });
        store.flush();
        QCOMPARE(store.samples({ QStringLiteral("api/ready"), 0, 0, 0 }).size(), 0);
        QVERIFY(!store.isDegraded());
        QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
        store.flush();
        QCOMPARE(store.samples({ QStringLiteral("api/ready"), 0, 0, 0 }).size(), 1);

        // An event cannot wait for ever: once the retries are spent it goes to memory, and the store says so.
        QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE")));
        const auto r = store.writeEventSync(makeEvent(1, QStringLiteral("during the lock")));
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(!r.persisted);
        QVERIFY(store.isDegraded());
        QVERIFY2(store.degradedReason().contains(u"locked by another process"), qPrintable(store.degradedReason()));
        QVERIFY(store.degradedReason().contains(path));
        QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("locker"));
}

QTEST_GUILESS_MAIN(TestHistoryFailures)
#include "tst_historyfailures.moc"
