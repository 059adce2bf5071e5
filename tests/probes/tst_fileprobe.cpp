#include "probes/fileprobe.h"

#include <QDir>
#include <QFile>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QtTest>

#include <unistd.h>

using hd::ProbeResult;
using hd::Status;
using Outcome = hd::ProbeResult::Outcome;

namespace {

hd::CheckConfig fileCheck(const QString& path, bool writable = false, std::optional<qint64> maxAgeMs = {})
{
    hd::CheckConfig check;
    check.service = QStringLiteral("host");
    check.name = QStringLiteral("file");
    check.kind = hd::ProbeKind::File;
    check.timeoutMs = 2000;
    check.settings<hd::FileProbeConfig>().path = path;
    check.settings<hd::FileProbeConfig>().writable = writable;
    check.settings<hd::FileProbeConfig>().maxAgeMs = maxAgeMs;
    return check;
}

// The workers file probes run their file system calls on; the ProbeFactory owns one such pool.
QThreadPool& fileWorkers()
{
    static QThreadPool pool;
    pool.setMaxThreadCount(4);
    return pool;
}

ProbeResult runProbe(const hd::CheckConfig& check)
{
    hd::FileProbe probe(check, &fileWorkers());
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    if (!spy.isEmpty())
        qFatal("file probe emitted from inside start()");
    if (!spy.wait(int(check.timeoutMs + 1000)))
        qFatal("file probe gave no result within its timeout");
    return spy.at(0).at(0).value<ProbeResult>();
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

} // namespace

class TestFileProbe : public QObject {
    Q_OBJECT
private slots:
    void init();

    void existing();
    void missing();
    void writableDirectory();
    void writableFileTestsItsDirectory();
    void missingBeatsWritable();
    void notWritableByPermissionBits();
    void notWritableSystemLocation();
    void maxAge_data();
    void maxAge();
    void timeoutWhenFileSystemDoesNotAnswer();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestFileProbe::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestFileProbe::existing()
{
    const QString path = m_dir->filePath(QStringLiteral("app.log"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const ProbeResult r = runProbe(fileCheck(path));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.statusHint, std::optional<Status>(Status::Ok));
    QCOMPARE(r.hintDetail, QString());
    QVERIFY(r.finishedAt.isValid());
}

void TestFileProbe::missing()
{
    const QString path = m_dir->filePath(QStringLiteral("trading"));
    const ProbeResult r = runProbe(fileCheck(path));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.statusHint, std::optional<Status>(Status::Down));
    QCOMPARE(r.hintDetail, QStringLiteral("no such file ") + path);
}

void TestFileProbe::writableDirectory()
{
    const QStringList before = entries(m_dir->path());
    const ProbeResult r = runProbe(fileCheck(m_dir->path(), true));
    QCOMPARE(r.statusHint, std::optional<Status>(Status::Ok));
    QCOMPARE(r.hintDetail, QString());
    QCOMPARE(entries(m_dir->path()), before); // the test file is gone again
}

void TestFileProbe::writableFileTestsItsDirectory()
{
    QVERIFY(QDir(m_dir->path()).mkdir(QStringLiteral("logs")));
    const QString dir = m_dir->filePath(QStringLiteral("logs"));
    const QString path = dir + QStringLiteral("/app.log");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner)); // the file itself is read-only; its directory is not
    const ProbeResult r = runProbe(fileCheck(path, true));
    QCOMPARE(r.statusHint, std::optional<Status>(Status::Ok));
    QCOMPARE(entries(dir), QStringList { QStringLiteral("app.log") });
}

void TestFileProbe::missingBeatsWritable()
{
    const QString path = m_dir->filePath(QStringLiteral("nope/deeper"));
    const ProbeResult r = runProbe(fileCheck(path, true));
    QCOMPARE(r.statusHint, std::optional<Status>(Status::Down));
    QCOMPARE(r.hintDetail, QStringLiteral("no such file ") + path);
}

void TestFileProbe::notWritableByPermissionBits()
{
    if (::geteuid() == 0)
        QSKIP("root ignores permission bits; notWritableSystemLocation covers a real refusal");
    QVERIFY(QDir(m_dir->path()).mkdir(QStringLiteral("ro")));
    const QString dir = m_dir->filePath(QStringLiteral("ro"));
    QVERIFY(QFile::setPermissions(dir, QFile::ReadOwner | QFile::ExeOwner));
    const ProbeResult r = runProbe(fileCheck(dir, true));
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QCOMPARE(r.statusHint, std::optional<Status>(Status::Down));
    QCOMPARE(r.hintDetail, QStringLiteral("not writable: permission denied"));
}

void TestFileProbe::notWritableSystemLocation()
{
    // sysfs refuses new files to everybody, root included (EACCES, or EROFS where
    // it is mounted read-only): a real refusal whoever runs the test.
    const QString dir = QStringLiteral("/sys/kernel");
    if (!QFileInfo(dir).isDir())
        QSKIP("no sysfs on this machine");
    const ProbeResult r = runProbe(fileCheck(dir, true));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.statusHint, std::optional<Status>(Status::Down));
    QVERIFY2(
        r.hintDetail == u"not writable: permission denied" || r.hintDetail == u"not writable: read-only file system",
        qPrintable(r.hintDetail));
}

void TestFileProbe::maxAge_data()
{
    QTest::addColumn<qint64>("ageMs");
    QTest::addColumn<qint64>("maxAgeMs");
    QTest::addColumn<QString>("detail"); // empty: ok
    QTest::newRow("fresh") << qint64(0) << qint64(3600'000) << QString();
    QTest::newRow("2 h old, max 1h") << qint64(2 * 3600'000 + 60'000) << qint64(3600'000)
                                     << QStringLiteral("modified 2 h ago, max_age 1h");
    QTest::newRow("10 min old, max 5m") << qint64(10 * 60'000 + 5000) << qint64(5 * 60'000)
                                        << QStringLiteral("modified 10 min ago, max_age 5m");
    QTest::newRow("90 s old, max 30s") << qint64(90'000) << qint64(30'000)
                                       << QStringLiteral("modified 90 s ago, max_age 30s");
    QTest::newRow("3 days old, max 1d") << qint64(3 * 86400'000LL) << qint64(86400'000)
                                        << QStringLiteral("modified 3 d ago, max_age 24h");
    QTest::newRow("just inside") << qint64(50 * 60'000) << qint64(3600'000) << QString();
}

void TestFileProbe::maxAge()
{
    QFETCH(qint64, ageMs);
    QFETCH(qint64, maxAgeMs);
    QFETCH(QString, detail);
    const QString path = m_dir->filePath(QStringLiteral("heartbeat"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addMSecs(-ageMs), QFileDevice::FileModificationTime));
    file.close();
    const ProbeResult r = runProbe(fileCheck(path, false, maxAgeMs));
    QCOMPARE(r.statusHint, std::optional<Status>(detail.isEmpty() ? Status::Ok : Status::Down));
    QCOMPARE(r.hintDetail, detail);
}

void TestFileProbe::timeoutWhenFileSystemDoesNotAnswer()
{
    // Occupy every worker as a hung mount would; the probe must still end at its timeout.
    QThreadPool* pool = &fileWorkers();
    QSemaphore running;
    QSemaphore release;
    const int workers = pool->maxThreadCount();
    for (int i = 0; i < workers; ++i) {
        pool->start([&] {
            running.release();
            release.acquire();
        });
    }
    QVERIFY(running.tryAcquire(workers, 5000));

    hd::CheckConfig check = fileCheck(m_dir->path(), true);
    check.timeoutMs = 300;
    hd::FileProbe probe(check, &fileWorkers());
    QSignalSpy spy(&probe, &hd::Probe::finished);
    QElapsedTimer clock;
    clock.start();
    probe.start();
    const bool gotResult = spy.wait(2000);
    const qint64 elapsed = clock.elapsed();
    release.release(workers);
    QVERIFY(gotResult);
    const ProbeResult r = spy.at(0).at(0).value<ProbeResult>();
    QCOMPARE(r.outcome, Outcome::Timeout);
    QCOMPARE(r.error, QStringLiteral("timed out after 300 ms (the file system did not answer)"));
    QVERIFY2(elapsed >= 290 && elapsed < 1300, qPrintable(QString::number(elapsed)));

    // The late inspection, once the workers are free, emits nothing more.
    QVERIFY(!spy.wait(300));
    QCOMPARE(spy.size(), 1);
}

QTEST_GUILESS_MAIN(TestFileProbe)
#include "tst_fileprobe.moc"
