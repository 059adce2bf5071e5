#pragma once

#include "config/config.h"
#include "probes/probe.h"

class QTcpSocket;

namespace hd {

// Opens a TCP connection to host:port and closes it again: [CONNECTED], latency, [IP].
class TcpProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TcpProbe)
public:
    explicit TcpProbe(const CheckConfig& check, QObject* parent = nullptr);
    ~TcpProbe() override;

private:
    void run() override;
    void endRun(ProbeResult* result) override;
    void releaseSocket();

    CheckConfig m_check;
    QTcpSocket* m_socket = nullptr;
};

} // namespace hd
