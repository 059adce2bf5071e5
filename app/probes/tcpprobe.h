#pragma once

#include "config/config.h"
#include "probes/probe.h"

#include <QElapsedTimer>
#include <QTimer>

class QTcpSocket;

namespace hd {

// Opens a TCP connection to host:port and closes it again: [CONNECTED], latency, [IP].
class TcpProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TcpProbe)
public:
    explicit TcpProbe(const CheckConfig& check, QObject* parent = nullptr);
    ~TcpProbe() override;

    void start() override;
    void cancel() override;

private:
    void finish(ProbeResult result);
    void releaseSocket();

    CheckConfig m_check;
    QTcpSocket* m_socket = nullptr;
    QTimer m_deadline;
    QElapsedTimer m_clock;
    bool m_started = false;
    bool m_inStart = false;
    bool m_done = false;
};

} // namespace hd
