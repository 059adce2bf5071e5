#pragma once

#include <QObject>
#include <QSocketNotifier>

namespace hd {

// Turns SIGINT, SIGTERM and SIGHUP into Qt signals (the self-pipe trick), so the
// handlers run on the event loop and may do anything.
class UnixSignals final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnixSignals)
public:
    explicit UnixSignals(QObject* parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void terminate(); // SIGINT or SIGTERM
    void hangup(); // SIGHUP

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace hd
