#include "dependencygraph.h"

#include <QQueue>
#include <algorithm>
#include <vector>

namespace hd {

bool isDependencyFailure(Status status)
{
    return status == Status::Down || status == Status::Stale;
}

QStringList DependencyGraph::Impact::impactedServices(const QString& root) const
{
    QStringList out;
    for (auto it = impactedBy.cbegin(); it != impactedBy.cend(); ++it) {
        if (it.value() == root)
            out.append(it.key());
    }
    out.sort();
    return out;
}

DependencyGraph::DependencyGraph(const Config& config)
{
    for (const ServiceConfig& s : config.services) {
        if (!m_index.contains(s.name)) {
            m_index.insert(s.name, int(m_names.size()));
            m_names.append(s.name);
        }
    }
    // A dependency on a name no service has is missing, unless the config has alert sources: then it may name
    // the service of an alert, and becomes a node of its own, failing while such an alert fires.
    bool hasSources = false;
    for (const ServiceConfig& s : config.services) {
        for (const CheckConfig& c : s.checks)
            hasSources = hasSources || c.kind == ProbeKind::Alertmanager;
    }
    for (const ServiceConfig& s : config.services) {
        for (const QString& dep : s.dependsOn) {
            if (m_index.contains(dep))
                continue;
            m_missing.append({ s.name, dep });
            if (hasSources) {
                m_index.insert(dep, int(m_names.size()));
                m_names.append(dep);
            }
        }
    }
    m_dependencies.resize(m_names.size());
    m_dependents.resize(m_names.size());
    for (const ServiceConfig& s : config.services) {
        const int from = m_index.value(s.name);
        for (const QString& dep : s.dependsOn) {
            const auto to = m_index.constFind(dep);
            if (to == m_index.cend())
                continue;
            if (m_dependencies[from].contains(*to))
                continue;
            m_dependencies[from].append(*to);
            m_dependents[*to].append(from);
        }
    }
    findCycle();
}

QStringList DependencyGraph::namesOf(const QList<int>& indexes) const
{
    QStringList out;
    out.reserve(indexes.size());
    for (int i : indexes)
        out.append(m_names.at(i));
    return out;
}

QStringList DependencyGraph::dependenciesOf(const QString& service) const
{
    const auto it = m_index.constFind(service);
    return it == m_index.cend() ? QStringList() : namesOf(m_dependencies.at(*it));
}

QStringList DependencyGraph::dependentsOf(const QString& service) const
{
    const auto it = m_index.constFind(service);
    return it == m_index.cend() ? QStringList() : namesOf(m_dependents.at(*it));
}

void DependencyGraph::findCycle()
{
    // Iterative depth-first search (no recursion limit on deep chains); a grey
    // node met again closes a cycle, read back from the path.
    enum Colour : quint8 { White, Grey, Black };
    const int n = int(m_names.size());
    std::vector<Colour> colour(n, White);
    QList<QPair<int, int>> stack; // node, next dependency to visit
    for (int start = 0; start < n; ++start) {
        if (colour[start] != White)
            continue;
        stack.append({ start, 0 });
        colour[start] = Grey;
        while (!stack.isEmpty()) {
            auto& [node, next] = stack.last();
            if (next == m_dependencies[node].size()) {
                colour[node] = Black;
                stack.removeLast();
                continue;
            }
            const int dep = m_dependencies[node][next++];
            if (colour[dep] == Grey) {
                qsizetype from = 0;
                while (stack[from].first != dep)
                    ++from;
                for (qsizetype i = from; i < stack.size(); ++i)
                    m_cycle.append(m_names.at(stack[i].first));
                m_cycle.append(m_names.at(dep));
                return;
            }
            if (colour[dep] == White) {
                colour[dep] = Grey;
                stack.append({ dep, 0 });
            }
        }
    }
}

DependencyGraph::Impact DependencyGraph::impact(const QHash<QString, Status>& serviceStatus) const
{
    const int n = int(m_names.size());
    std::vector<bool> failing(n, false);
    for (auto it = serviceStatus.cbegin(); it != serviceStatus.cend(); ++it) {
        const auto idx = m_index.constFind(it.key());
        if (idx != m_index.cend() && isDependencyFailure(it.value()))
            failing[*idx] = true;
    }

    // Everything above a failing service is impacted.
    std::vector<bool> impacted(n, false);
    QQueue<int> queue;
    for (int i = 0; i < n; ++i) {
        if (failing[i])
            queue.enqueue(i);
    }
    while (!queue.isEmpty()) {
        for (int up : m_dependents[queue.dequeue()]) {
            if (!impacted[up]) {
                impacted[up] = true;
                queue.enqueue(up);
            }
        }
    }

    // Breadth-first from all roots at once, in name order: each impacted service
    // is reached first from its nearest root, ties going to the smaller name.
    std::vector<int> rootOf(n, -1);
    QList<int> roots;
    auto spread = [&](QList<int> newRoots) {
        std::sort(newRoots.begin(), newRoots.end(), [this](int a, int b) { return m_names.at(a) < m_names.at(b); });
        for (int r : newRoots) {
            rootOf[r] = r;
            roots.append(r);
            queue.enqueue(r);
        }
        while (!queue.isEmpty()) {
            const int node = queue.dequeue();
            for (int up : m_dependents[node]) {
                if (rootOf[up] < 0) {
                    rootOf[up] = rootOf[node];
                    queue.enqueue(up);
                }
            }
        }
    };
    QList<int> initial;
    for (int i = 0; i < n; ++i) {
        if (failing[i] && !impacted[i])
            initial.append(i);
    }
    spread(initial);
    QList<int> orphans; // failing members of a rootless cycle
    for (int i = 0; i < n; ++i) {
        if (failing[i] && rootOf[i] < 0)
            orphans.append(i);
    }
    if (!orphans.isEmpty())
        spread(orphans);

    Impact result;
    QHash<int, int> counts;
    for (int i = 0; i < n; ++i) {
        if (rootOf[i] >= 0 && rootOf[i] != i) {
            result.impactedBy.insert(m_names.at(i), m_names.at(rootOf[i]));
            ++counts[rootOf[i]];
        }
    }
    std::sort(roots.begin(), roots.end(), [&](int a, int b) {
        const int ca = counts.value(a);
        const int cb = counts.value(b);
        return ca != cb ? ca > cb : m_names.at(a) < m_names.at(b);
    });
    result.roots = namesOf(roots);
    return result;
}

} // namespace hd
