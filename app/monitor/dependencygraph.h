#pragma once

#include "config/config.h"
#include "core/status.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace hd {

// A service counts as failing for its dependents when it is down or stale (a
// heartbeat that stopped is a service that stopped). Unknown means we could not
// judge it, and degraded is a warning: neither blames the services above.
bool isDependencyFailure(Status status);

// The depends_on graph of a config. Built once per config; impact() is linear in
// the size of the graph, so it can run on every status change.
//
// Impact semantics: a service is impacted when any service it depends on,
// directly or through others, is failing, whatever its own status. The roots are
// the failing services that are not impacted themselves: with A -> B -> C and B,
// C down, C is the only root and both A and B are impacted by C (the deepest
// failing service is the root cause). When several roots lie below a service,
// impacted_by names the nearest one (fewest depends_on hops), ties going to the
// first name in alphabetical order. If a cycle of failing services has no root
// below it (only possible in a config with a cycle), its members are roots, so
// that no failure goes unreported.
class DependencyGraph final {
public:
    struct Impact {
        QHash<QString, QString> impactedBy; // impacted service -> its root cause
        // Failing services explained by no dependency: those impacting the most
        // services first, then by name.
        QStringList roots;

        bool isImpacted(const QString& service) const { return impactedBy.contains(service); }
        QString rootOf(const QString& service) const { return impactedBy.value(service); }
        // The services a root impacts, sorted by name.
        QStringList impactedServices(const QString& root) const;
    };

    DependencyGraph() = default;
    explicit DependencyGraph(const Config& config);

    const QStringList& services() const { return m_names; } // config order
    bool contains(const QString& service) const { return m_index.contains(service); }
    QStringList dependenciesOf(const QString& service) const; // direct, config order
    QStringList dependentsOf(const QString& service) const; // direct, config order
    // depends_on entries naming no service: (service, missing name).
    const QList<QPair<QString, QString>>& missingDependencies() const { return m_missing; }

    bool hasCycle() const { return !m_cycle.isEmpty(); }
    // The first cycle found, closed: {"a", "b", "c", "a"}; {"a", "a"} for a service
    // depending on itself; empty when there is none.
    const QStringList& cycle() const { return m_cycle; }

    // serviceStatus maps a service to its status (the worst of its checks);
    // services missing from it count as not failing.
    Impact impact(const QHash<QString, Status>& serviceStatus) const;

private:
    QStringList namesOf(const QList<int>& indexes) const;
    void findCycle();

    QStringList m_names;
    QHash<QString, int> m_index;
    QList<QList<int>> m_dependencies;
    QList<QList<int>> m_dependents;
    QList<QPair<QString, QString>> m_missing;
    QStringList m_cycle;
};

} // namespace hd
