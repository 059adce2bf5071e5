#pragma once

#include "demo/demofaults.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QThread>
#include <QUrl>
#include <functional>

namespace hd {

class DemoEnvironment;

// `healthdeck demo` beside the dashboard: the DemoEnvironment (simulated
// backend, private redis-server, heartbeat writers) runs on a thread of its own
// so that its sockets never wait on the UI, and the Demo menu breaks and heals
// it through the faults below, posted to that thread.
class DemoSession final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoSession)
public:
    using Fault = DemoFault; // one vocabulary with `demo --headless`

    explicit DemoSession(QObject* parent = nullptr);
    ~DemoSession() override;

    // Starts the environment, blocking until its services listen. It sets the
    // DEMO_* variables and writes the bundled config (configPath()).
    bool start(QString* error = nullptr);
    QString configPath() const { return m_configPath; }
    QStringList notes() const { return m_notes; } // e.g. redis-server missing
    QUrl baseUrl(const QString& service) const { return m_urls.value(service); }

    static QList<Fault> faults();
    static QString faultLabel(Fault fault);
    void setFault(Fault fault, bool on);
    bool isFaultOn(Fault fault) const { return m_on.contains(int(fault)); }
    void healAll();

Q_SIGNALS:
    void faultsChanged();

private:
    void post(std::function<void()> work);

    QThread m_thread;
    QObject* m_anchor = nullptr; // lives in m_thread
    DemoEnvironment* m_environment = nullptr; // lives in m_thread
    QHash<QString, QUrl> m_urls;
    QString m_configPath;
    QStringList m_notes;
    QSet<int> m_on; // Fault values
};

} // namespace hd
