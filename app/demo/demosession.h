#pragma once

#include "core/threadhost.h"
#include "demo/demofaults.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QUrl>
#include <memory>

namespace hd {

class DemoEnvironment;

// `healthdeck demo` beside the dashboard: the DemoEnvironment (simulated backend, private redis-server and
// Alertmanager, heartbeat writers) runs on a thread of its own (a ThreadHost), so that its sockets never wait on the
// UI and its start never blocks it. The Demo menu breaks and heals it through the faults below, posted to that
// thread.
class DemoSession final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoSession)
public:
    using Fault = DemoFault; // one vocabulary with `demo --headless`

    explicit DemoSession(QObject* parent = nullptr);
    ~DemoSession() override; // stops redis-server and the services, on their thread

    // Starts the environment on its thread and returns at once; started() follows once its services listen (or
    // could not). The environment sets the DEMO_* variables and writes the bundled config (configPath()).
    void start();
    bool isStarted() const { return m_started; }
    QString configPath() const { return m_configPath; }
    QStringList notes() const { return m_notes; } // e.g. redis-server missing
    QUrl baseUrl(const QString& service) const { return m_urls.value(service); }

    static QList<Fault> faults();
    static QString faultLabel(Fault fault);
    void setFault(Fault fault, bool on);
    bool isFaultOn(Fault fault) const { return m_on.contains(int(fault)); }
    void healAll();

Q_SIGNALS:
    void started(bool ok, const QString& error);
    void faultsChanged();

private:
    QHash<QString, QUrl> m_urls;
    QString m_configPath;
    QStringList m_notes;
    QSet<int> m_on; // Fault values
    bool m_started = false;
    std::unique_ptr<ThreadHost<DemoEnvironment>> m_host; // last: goes first, while the members above live
};

} // namespace hd
