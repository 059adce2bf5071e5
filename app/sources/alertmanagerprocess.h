#pragma once

#include <QObject>
#include <QProcess>
#include <QTemporaryDir>

namespace hd {

// A private prometheus-alertmanager on a free loopback port, clustering off, its config and data in a
// temporary folder: the demo's Alertmanager and the tests'. healthdeck's monitoring never starts one.
// Its start and kill wait for the process (waitFor*): it runs on the demo's own thread (DemoSession hosts the
// DemoEnvironment on a ThreadHost), in `demo --headless` and in the tests, never on a window's thread.
class AlertmanagerProcess final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertmanagerProcess)
public:
    explicit AlertmanagerProcess(QObject* parent = nullptr);
    ~AlertmanagerProcess() override; // kills the process

    // The installed binary (Debian's prometheus-alertmanager), empty when there is none.
    static QString executable();

    // Writes `configYaml` and starts the binary, then waits (at most timeoutMs) until its API port takes
    // connections. This blocks for the second or so Alertmanager needs to start.
    bool start(const QByteArray& configYaml, int timeoutMs = 15'000);
    void kill();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QString url() const; // http://127.0.0.1:PORT
    QString errorString() const { return m_error; }

private:
    QString logTail() const;

    QProcess m_process;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace hd
