#include "probes/execprobe.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using hd::ProbeResult;
using hd::Status;
using Outcome = hd::ProbeResult::Outcome;

namespace {

hd::CheckConfig execCheck(const QStringList& command, qint64 timeoutMs = 5000)
{
    hd::CheckConfig check;
    check.service = QStringLiteral("host");
    check.name = QStringLiteral("script");
    check.kind = hd::ProbeKind::Exec;
    check.timeoutMs = timeoutMs;
    check.settings<hd::ExecProbeConfig>().command = command;
    return check;
}

QStringList shell(const QString& script)
{
    return { QStringLiteral("sh"), QStringLiteral("-c"), script };
}

ProbeResult runProbe(const hd::CheckConfig& check, qint64 cap = 0, qint64* elapsedMs = nullptr)
{
    hd::ExecProbe probe(check, cap);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    QElapsedTimer clock;
    clock.start();
    probe.start();
    if (!spy.isEmpty())
        qFatal("exec probe emitted from inside start()");
    if (!spy.wait(int(check.timeoutMs + 2000)))
        qFatal("exec probe gave no result within its timeout");
    if (elapsedMs)
        *elapsedMs = clock.elapsed();
    return spy.at(0).at(0).value<ProbeResult>();
}

// A process counts as gone once it no longer exists or is only a zombie
// waiting for its (re)parent to reap it.
bool processAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close > 0 && line.mid(close + 2, 1) != "Z";
}

// Living processes whose process group is pgid.
int livingGroupMembers(qint64 pgid)
{
    int count = 0;
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& name : pids) {
        QFile stat(QStringLiteral("/proc/") + name + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        // after ") ": state ppid pgrp ...
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() > 2 && fields.at(0) != "Z" && fields.at(2).toLongLong() == pgid)
            ++count;
    }
    return count;
}

} // namespace

class TestExecProbe : public QObject {
    Q_OBJECT
private slots:
    void exitCodes_data();
    void exitCodes();
    void jsonStdoutIsTheBody();
    void stderrIsTheDetail();
    void nagiosStdoutLineWhenNoStderr();
    void argvIsNotInterpretedByAShell();
    void workingDirectory();
    void timeoutKillsTheWholeGroup();
    void backgroundChildrenDoNotOutliveTheProbe();
    void crashIsDown();
    void stdoutIsCapped();
    void missingProgram_data();
    void missingProgram();
    void notExecutable();
    void cancelKillsTheGroup();
};

void TestExecProbe::exitCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<Status>("status");
    QTest::newRow("0 ok") << 0 << Status::Ok;
    QTest::newRow("1 degraded") << 1 << Status::Degraded;
    QTest::newRow("2 down") << 2 << Status::Down;
    QTest::newRow("3 unknown") << 3 << Status::Unknown;
    QTest::newRow("4 down") << 4 << Status::Down;
    QTest::newRow("127 down") << 127 << Status::Down;
    QTest::newRow("255 down") << 255 << Status::Down;
}

void TestExecProbe::exitCodes()
{
    QFETCH(int, code);
    QFETCH(Status, status);
    const ProbeResult r = runProbe(execCheck(shell(QStringLiteral("exit %1").arg(code))));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.status, code);
    QVERIFY(r.statusHint.has_value());
    QCOMPARE(*r.statusHint, status);
    QCOMPARE(r.hintDetail, code > 3 ? QStringLiteral("exit code %1").arg(code) : QString());
    QVERIFY(r.latencyMs > 0);
}

void TestExecProbe::jsonStdoutIsTheBody()
{
    const QByteArray json = R"({"status":"ok","mode":"readiness","checks":{"db":true}})";
    const ProbeResult r
        = runProbe(execCheck({ QStringLiteral("printf"), QStringLiteral("%s\n"), QString::fromUtf8(json) }));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.body, json + '\n');
    QCOMPARE(r.hintDetail, QString()); // JSON is for the evaluator, not a detail line
    QCOMPARE(*r.statusHint, Status::Ok);
}

void TestExecProbe::stderrIsTheDetail()
{
    const ProbeResult r = runProbe(execCheck(shell(QStringLiteral(
        R"(echo '{"status":"fail"}'; echo '  disk /var 93% full  ' >&2; echo 'second line' >&2; exit 2)"))));
    QCOMPARE(r.status, 2);
    QCOMPARE(*r.statusHint, Status::Down);
    QCOMPARE(r.hintDetail, QStringLiteral("disk /var 93% full  \nsecond line"));
    QCOMPARE(r.error, r.hintDetail);
    QCOMPARE(r.body, QByteArray("{\"status\":\"fail\"}\n"));
}

void TestExecProbe::nagiosStdoutLineWhenNoStderr()
{
    const ProbeResult r = runProbe(
        execCheck(shell(QStringLiteral("echo 'WARNING - load average 5.1 | load=5.1'; echo 'more'; exit 1"))));
    QCOMPARE(*r.statusHint, Status::Degraded);
    QCOMPARE(r.hintDetail, QStringLiteral("WARNING - load average 5.1 | load=5.1"));
}

void TestExecProbe::argvIsNotInterpretedByAShell()
{
    const ProbeResult r = runProbe(
        execCheck({ QStringLiteral("echo"), QStringLiteral("$HOME"), QStringLiteral("a;b"), QStringLiteral("`id`") }));
    QCOMPARE(r.body, QByteArray("$HOME a;b `id`\n"));
}

void TestExecProbe::workingDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    hd::CheckConfig check = execCheck({ QStringLiteral("pwd") });
    check.settings<hd::ExecProbeConfig>().workingDirectory = dir.path();
    const ProbeResult r = runProbe(check);
    QCOMPARE(QString::fromUtf8(r.body.trimmed()), QDir(dir.path()).canonicalPath());

    check.settings<hd::ExecProbeConfig>().workingDirectory = dir.filePath(QStringLiteral("missing"));
    const ProbeResult missing = runProbe(check);
    QCOMPARE(missing.outcome, Outcome::Misconfigured);
    QCOMPARE(
        missing.error, QStringLiteral("cannot run pwd: no such working directory ") + check.exec().workingDirectory);
}

void TestExecProbe::timeoutKillsTheWholeGroup()
{
    // The grandchild prints its pid, the shell its own (= the group id).
    qint64 elapsed = 0;
    const ProbeResult r = runProbe(
        execCheck(shell(QStringLiteral("sleep 30 & echo $!; echo $$; sleep 30; echo never")), 500), 0, &elapsed);
    QCOMPARE(r.outcome, Outcome::Timeout);
    QCOMPARE(r.error, QStringLiteral("timed out after 500 ms"));
    QVERIFY2(elapsed >= 490 && elapsed < 1500, qPrintable(QString::number(elapsed)));

    const QList<QByteArray> lines = r.body.trimmed().split('\n');
    QCOMPARE(lines.size(), 2); // the output so far is kept
    const qint64 grandchild = lines.at(0).toLongLong();
    const qint64 shellPid = lines.at(1).toLongLong();
    QVERIFY(grandchild > 0 && shellPid > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(grandchild), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(shellPid), 3000);
    QTRY_COMPARE_WITH_TIMEOUT(livingGroupMembers(shellPid), 0, 3000);
}

void TestExecProbe::backgroundChildrenDoNotOutliveTheProbe()
{
    const ProbeResult r = runProbe(execCheck(shell(QStringLiteral("sleep 30 & echo $!"))));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.status, 0);
    const qint64 leftover = r.body.trimmed().toLongLong();
    QVERIFY(leftover > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(leftover), 3000);
}

void TestExecProbe::crashIsDown()
{
    const ProbeResult r = runProbe(execCheck(shell(QStringLiteral("kill -9 $$"))));
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(*r.statusHint, Status::Down);
    QCOMPARE(r.hintDetail, QStringLiteral("killed by signal 9"));
}

void TestExecProbe::stdoutIsCapped()
{
    // 1 MB of output against a 1000-byte cap: the pipe keeps draining, so the
    // child finishes normally instead of blocking on a full pipe.
    const ProbeResult r
        = runProbe(execCheck(shell(QStringLiteral("head -c 1000000 /dev/zero | tr '\\0' x; exit 0"))), 1000);
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.status, 0);
    QCOMPARE(r.body, QByteArray(1000, 'x'));
}

void TestExecProbe::missingProgram_data()
{
    QTest::addColumn<QString>("program");
    QTest::newRow("not on PATH") << QStringLiteral("python3x");
    QTest::newRow("absolute path") << QStringLiteral("/nonexistent/healthcheck");
    QTest::newRow("relative path") << QStringLiteral("scripts/missing.sh");
}

void TestExecProbe::missingProgram()
{
    QFETCH(QString, program);
    const ProbeResult r = runProbe(execCheck({ program, QStringLiteral("--mode"), QStringLiteral("readiness") }));
    QCOMPARE(r.outcome, Outcome::Misconfigured);
    QCOMPARE(r.error, QStringLiteral("cannot run %1: no such program").arg(program));
}

void TestExecProbe::notExecutable()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString script = dir.filePath(QStringLiteral("check.sh"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\nexit 0\n");
    file.close();
    QVERIFY(QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner));
    const ProbeResult r = runProbe(execCheck({ script }));
    QCOMPARE(r.outcome, Outcome::Misconfigured);
    QVERIFY2(r.error.startsWith(QStringLiteral("cannot run %1: ").arg(script)), qPrintable(r.error));
    QVERIFY2(r.error.contains(u"ermission denied"), qPrintable(r.error));
}

void TestExecProbe::cancelKillsTheGroup()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pidFile = dir.filePath(QStringLiteral("pids"));
    auto probe = std::make_unique<hd::ExecProbe>(
        execCheck(shell(QStringLiteral("sleep 30 & echo $! $$ > '%1'; sleep 30").arg(pidFile)), 10'000), 0);
    QSignalSpy spy(probe.get(), &hd::Probe::finished);
    probe->start();
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(pidFile).size() > 0, 5000);
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> pids = file.readAll().trimmed().split(' ');
    QCOMPARE(pids.size(), 2);
    probe->cancel();
    probe.reset();
    QCOMPARE(spy.size(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pids.at(0).toLongLong()), 3000);
    QTRY_COMPARE_WITH_TIMEOUT(livingGroupMembers(pids.at(1).toLongLong()), 0, 3000);
}

QTEST_GUILESS_MAIN(TestExecProbe)
#include "tst_execprobe.moc"
