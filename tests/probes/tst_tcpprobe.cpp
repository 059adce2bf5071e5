#include "probes/tcpprobe.h"

#include "support/hostileserver.h"
#include "support/testutil.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using hd::ProbeResult;
using Outcome = hd::ProbeResult::Outcome;

namespace {

hd::CheckConfig tcpCheck(quint16 port, qint64 timeoutMs = 2000)
{
    hd::CheckConfig check;
    check.service = QStringLiteral("svc");
    check.name = QStringLiteral("tcp");
    check.kind = hd::ProbeKind::Tcp;
    check.timeoutMs = timeoutMs;
    check.settings<hd::TcpProbeConfig>().host = QStringLiteral("127.0.0.1");
    check.settings<hd::TcpProbeConfig>().port = port;
    return check;
}

ProbeResult runProbe(const hd::CheckConfig& check, qint64* elapsedMs = nullptr)
{
    hd::TcpProbe probe(check);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    QElapsedTimer clock;
    clock.start();
    probe.start();
    if (spy.isEmpty() && !spy.wait(int(check.timeoutMs + 1000)))
        qFatal("tcp probe gave no result within its timeout");
    if (elapsedMs)
        *elapsedMs = clock.elapsed();
    return spy.at(0).at(0).value<ProbeResult>();
}

// A listening socket whose accept queue is full: the kernel drops further SYNs,
// so a connect hangs on loopback without any address outside this machine.
class FullBacklogListener {
public:
    FullBacklogListener()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(m_fd, 0) != 0
            || ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            qFatal("cannot open a loopback listener");
        m_port = ntohs(addr.sin_port);
    }
    ~FullBacklogListener()
    {
        qDeleteAll(m_fillers);
        ::close(m_fd);
    }
    quint16 port() const { return m_port; }

    // Connects until one connect no longer completes: the queue is full then.
    bool fill()
    {
        for (int i = 0; i < 8; ++i) {
            auto* socket = new QTcpSocket;
            m_fillers.append(socket);
            socket->connectToHost(QHostAddress::LocalHost, m_port);
            if (!socket->waitForConnected(1000))
                return true;
        }
        return false;
    }

private:
    int m_fd = -1;
    quint16 m_port = 0;
    QList<QTcpSocket*> m_fillers;
};

} // namespace

class TestTcpProbe : public QObject {
    Q_OBJECT
private slots:
    void connects();
    void refused();
    void timesOut();
    void misconfigured();
    void cancelEmitsNothing();
};

void TestTcpProbe::connects()
{
    hdtest::HostileServer server(hdtest::HostileServer::Mode::Hang);
    QVERIFY(server.listen());
    const ProbeResult r = runProbe(tcpCheck(server.port()));
    QCOMPARE(r.outcome, Outcome::Completed);
    QVERIFY(r.connected);
    QCOMPARE(r.ip, QStringLiteral("127.0.0.1"));
    QVERIFY(r.latencyMs > 0);
    QVERIFY(r.latencyMs < 2000);
    QVERIFY(r.finishedAt.isValid());
    QTRY_COMPARE(server.connectionsAccepted(), 1);
    QTRY_COMPARE(server.openConnections(), 0); // the probe closed its connection again
}

void TestTcpProbe::refused()
{
    const quint16 port = hdtest::freePort();
    const ProbeResult r = runProbe(tcpCheck(port));
    QCOMPARE(r.outcome, Outcome::Refused);
    QCOMPARE(r.error, QStringLiteral("connection refused by 127.0.0.1:%1").arg(port));
    QVERIFY(!r.connected);
}

void TestTcpProbe::timesOut()
{
    FullBacklogListener listener;
    if (!listener.fill())
        QSKIP("this kernel keeps accepting connections past the listen backlog");
    qint64 elapsed = 0;
    const ProbeResult r = runProbe(tcpCheck(listener.port(), 500), &elapsed);
    QCOMPARE(r.outcome, Outcome::Timeout);
    QCOMPARE(r.error, QStringLiteral("timed out after 500 ms"));
    QVERIFY(!r.connected);
    QVERIFY2(elapsed >= 490 && elapsed < 1500, qPrintable(QString::number(elapsed)));
}

void TestTcpProbe::misconfigured()
{
    hd::CheckConfig check = tcpCheck(0);
    const ProbeResult r = runProbe(check);
    QCOMPARE(r.outcome, Outcome::Misconfigured);
}

void TestTcpProbe::cancelEmitsNothing()
{
    FullBacklogListener listener;
    if (!listener.fill())
        QSKIP("this kernel keeps accepting connections past the listen backlog");
    hd::TcpProbe probe(tcpCheck(listener.port(), 200));
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    probe.cancel();
    QVERIFY(!spy.wait(500));
}

QTEST_GUILESS_MAIN(TestTcpProbe)
#include "tst_tcpprobe.moc"
