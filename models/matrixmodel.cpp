#include "matrixmodel.h"

#include "displaytext.h"
#include "monitor/dependencygraph.h"
#include "statusroles.h"

#include <QSet>
#include <algorithm>
#include <unordered_map>

namespace hd {

namespace {

constexpr int kUnconfiguredOrder = 1 << 20; // rows the config does not name go after the ones it does

// Attention ranks, lower first. They only apply while something fails; a calm
// matrix stays in config order.
enum Attention {
    RootCause = 0,
    RootCauseTaken = 1, // acknowledged or silenced
    NeedsLook = 2, // unknown, degraded, pending
    Impacted = 3,
    Starting = 4,
    Healthy = 5,
    OffHours = 6,
};

bool isFailing(Status s)
{
    return s == Status::Down || s == Status::Stale;
}

// A check row shows the impact only while it fails itself: an ok check of an impacted service is plain ok
// (its service row still shows the impact).
bool isImpactedFailure(const RowState& r)
{
    return r.impacted && r.status != Status::Ok && r.status != Status::Starting;
}

int checkAttention(const RowState& r)
{
    if (r.offHours)
        return OffHours;
    if (isImpactedFailure(r))
        return Impacted;
    if (isFailing(r.status))
        return r.acknowledged || r.silenced ? RootCauseTaken : RootCause;
    if (r.status == Status::Unknown || r.status == Status::Degraded || r.pending)
        return NeedsLook;
    return r.status == Status::Starting ? Starting : Healthy;
}

QString rowLabel(const RowState& r)
{
    return r.item.isEmpty() ? r.check : r.check + u" \u203a " + r.item;
}

// Whether a new result moves or hides the row: its status, overlays or tags
// (MatrixFilterProxy sorts and filters on those, never on latency or detail).
bool orderOrFilterChanged(const RowState& a, const RowState& b)
{
    return a.status != b.status || a.pending != b.pending || a.impacted != b.impacted || a.impactedBy != b.impactedBy
        || a.offHours != b.offHours || a.acknowledged != b.acknowledged || a.silenced != b.silenced
        || a.flapping != b.flapping || a.tags != b.tags || a.severity != b.severity;
}

QStringList overlaysOf(const RowState& r)
{
    QStringList out;
    if (r.pending)
        out << QStringLiteral("pending");
    if (isImpactedFailure(r))
        out << QStringLiteral("impacted");
    if (r.offHours)
        out << QStringLiteral("off-hours");
    if (r.acknowledged)
        out << QStringLiteral("acknowledged");
    if (r.silenced)
        out << QStringLiteral("silenced");
    if (r.flapping)
        out << QStringLiteral("flapping");
    return out;
}

} // namespace

struct MatrixModel::Node {
    NodeKind kind = NodeKind::Check;
    Node* parent = nullptr;
    int row = 0;
    bool pending = false; // created in this batch, not yet announced to views
    std::vector<std::unique_ptr<Node>> children;
    QString name; // group name, service name, or row key
    int order = 0;
    int attention = 0;
    Status status = Status::Starting;
    // groups and services
    bool impacted = false;
    QString impactedBy;
    bool root = false;
    int counted = 0;
    int healthy = 0;
    QStringList failingChecks;
    QDateTime since;
    // checks
    RowState state;
    LatencyRing ring { 1 };
};

struct MatrixModel::Look {
    Status status;
    int attention;
    bool impacted;
    QString impactedBy;
    bool root;
    int counted;
    int healthy;
    QStringList failingChecks;
    QDateTime since;
    bool operator==(const Look&) const = default;
};

MatrixModel::MatrixModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    qRegisterMetaType<hd::RowState>();
}

MatrixModel::~MatrixModel() = default;

void MatrixModel::setConfig(const Config& config)
{
    QHash<QString, QString> groups;
    m_order.clear();
    int position = 0;
    for (const ServiceConfig& service : config.services) {
        groups.insert(service.name, service.group);
        if (!m_order.contains(u"g:" + service.group))
            m_order.insert(u"g:" + service.group, position);
        m_order.insert(u"s:" + service.name, position++);
        for (const CheckConfig& check : service.checks)
            m_order.insert(u"c:" + check.key(), position++);
    }
    bool moved = false;
    for (auto it = m_serviceByName.cbegin(); it != m_serviceByName.cend(); ++it) {
        if (groups.contains(it.key()) && groups.value(it.key()) != it.value()->parent->name)
            moved = true;
    }
    m_configGroup = groups;
    if (moved) {
        clear();
        return;
    }
    // Existing rows take their config positions; the proxy re-sorts on orderChanged.
    std::vector<Node*> all;
    for (auto& g : m_groups) {
        g->order = orderOf(NodeKind::Group, g->name);
        all.push_back(g.get());
        for (auto& s : g->children) {
            s->order = orderOf(NodeKind::Service, s->name);
            all.push_back(s.get());
            for (auto& c : s->children) {
                c->order = orderOf(NodeKind::Check, c->state.service + u'/' + c->state.check);
                all.push_back(c.get());
            }
        }
    }
    emitChanged(std::move(all), ColName);
    Q_EMIT orderChanged();
}

int MatrixModel::orderOf(NodeKind kind, const QString& name)
{
    const QString key = (kind == NodeKind::Group            ? QStringLiteral("g:")
                                : kind == NodeKind::Service ? QStringLiteral("s:")
                                                            : QStringLiteral("c:"))
        + name;
    const auto it = m_order.constFind(key);
    return it != m_order.constEnd() ? *it : kUnconfiguredOrder + m_nextOrder++;
}

void MatrixModel::clear()
{
    beginResetModel();
    m_groups.clear();
    m_groupByName.clear();
    m_serviceByName.clear();
    m_checks.clear();
    m_summary = Summary();
    endResetModel();
    Q_EMIT summaryChanged();
}

MatrixModel::Node* MatrixModel::ensureCheck(const RowState& row, std::vector<std::unique_ptr<Node>>& newGroups,
    std::vector<std::pair<Node*, std::vector<std::unique_ptr<Node>>>>& newChildren)
{
    // New nodes under a node that views already know are collected per parent, so
    // that each parent gets one insertion; under a new node they are simply added.
    const auto adopt = [&](Node* parent, std::unique_ptr<Node> child) -> Node* {
        Node* raw = child.get();
        raw->parent = parent;
        if (parent && parent->pending) {
            raw->row = int(parent->children.size());
            parent->children.push_back(std::move(child));
            return raw;
        }
        if (!parent) {
            raw->row = int(m_groups.size() + newGroups.size());
            newGroups.push_back(std::move(child));
            return raw;
        }
        auto it = std::find_if(
            newChildren.begin(), newChildren.end(), [parent](const auto& p) { return p.first == parent; });
        if (it == newChildren.end()) {
            newChildren.emplace_back(parent, std::vector<std::unique_ptr<Node>>());
            it = newChildren.end() - 1;
        }
        raw->row = int(parent->children.size() + it->second.size());
        it->second.push_back(std::move(child));
        return raw;
    };

    const QString groupName = m_configGroup.value(row.service, row.group);
    Node* group = m_groupByName.value(groupName);
    if (!group) {
        auto node = std::make_unique<Node>();
        node->kind = NodeKind::Group;
        node->name = groupName;
        node->pending = true;
        node->order = orderOf(NodeKind::Group, groupName);
        group = adopt(nullptr, std::move(node));
        m_groupByName.insert(groupName, group);
    }
    Node* service = m_serviceByName.value(row.service);
    if (!service) {
        auto node = std::make_unique<Node>();
        node->kind = NodeKind::Service;
        node->name = row.service;
        node->pending = true;
        node->order = orderOf(NodeKind::Service, row.service);
        service = adopt(group, std::move(node));
        m_serviceByName.insert(row.service, service);
    }
    // A sub-check reported inside a body sits under the row that reported it.
    Node* parent = service;
    if (!row.counts && !row.item.isEmpty()) {
        if (Node* owner = m_checks.value(row.key.left(row.key.lastIndexOf(u'/'))))
            parent = owner;
    }
    auto node = std::make_unique<Node>();
    node->kind = NodeKind::Check;
    node->name = row.key;
    node->pending = true;
    node->order = orderOf(NodeKind::Check, row.service + u'/' + row.check);
    node->ring = LatencyRing(m_sparkCapacity);
    Node* check = adopt(parent, std::move(node));
    m_checks.insert(row.key, check);
    return check;
}

void MatrixModel::feed(Node* check, const RowState& row)
{
    check->state = row;
    check->status = row.status;
    if (row.freshResult && row.lastResult.isValid()) {
        const bool failed
            = row.rawStatus == Status::Down || row.rawStatus == Status::Stale || row.rawStatus == Status::Unknown;
        check->ring.add(row.lastResult.toMSecsSinceEpoch(), row.latencyMs, failed);
        if (!m_summary.lastPoll.isValid() || row.lastResult > m_summary.lastPoll)
            m_summary.lastPoll = row.lastResult;
    }
}

void MatrixModel::updateRows(const QList<RowState>& rows)
{
    if (rows.isEmpty())
        return;
    std::vector<std::unique_ptr<Node>> newGroups;
    std::vector<std::pair<Node*, std::vector<std::unique_ptr<Node>>>> newChildren;
    std::vector<Node*> changed; // whole rows: what sorts or filters them may have changed
    std::vector<Node*> valuesOnly; // latency, trend, detail: a proxy need not re-sort for them
    valuesOnly.reserve(size_t(rows.size()));
    // Rows that count first: a sub-check finds the row that reported it already in place.
    for (const bool counted : { true, false }) {
        for (const RowState& row : rows) {
            if (row.counts != counted)
                continue;
            Node* check = m_checks.value(row.key);
            if (!check) {
                check = ensureCheck(row, newGroups, newChildren);
            } else {
                (orderOrFilterChanged(check->state, row) ? changed : valuesOnly).push_back(check);
            }
            feed(check, row);
        }
    }

    const auto settle = [](Node* n, const auto& self) -> void {
        n->pending = false;
        for (auto& c : n->children)
            self(c.get(), self);
    };
    if (!newGroups.empty()) {
        const int first = int(m_groups.size());
        beginInsertRows(QModelIndex(), first, first + int(newGroups.size()) - 1);
        for (auto& g : newGroups) {
            settle(g.get(), settle);
            m_groups.push_back(std::move(g));
        }
        endInsertRows();
    }
    for (auto& [parent, children] : newChildren) {
        const int first = int(parent->children.size());
        beginInsertRows(indexOfNode(parent), first, first + int(children.size()) - 1);
        for (auto& c : children) {
            settle(c.get(), settle);
            parent->children.push_back(std::move(c));
        }
        endInsertRows();
    }

    std::vector<Node*> looks = recompute();
    changed.insert(changed.end(), looks.begin(), looks.end());
    const bool reorder = !changed.empty() || !newGroups.empty() || !newChildren.empty();
    emitChanged(std::move(changed), ColName);
    emitChanged(std::move(valuesOnly), ColLatency);
    if (reorder)
        Q_EMIT orderChanged();
    Q_EMIT summaryChanged();
}

void MatrixModel::removeKeys(const QStringList& keys)
{
    // Group the doomed rows per parent and remove contiguous runs, bottom up.
    QSet<Node*> going;
    for (const QString& key : keys) {
        if (Node* n = m_checks.value(key))
            going.insert(n);
    }
    std::unordered_map<Node*, std::vector<int>> doomed;
    for (Node* n : std::as_const(going)) {
        bool underGoing = false; // its row goes with an ancestor that goes too
        for (Node* p = n->parent; p && !underGoing; p = p->parent)
            underGoing = going.contains(p);
        if (!underGoing)
            doomed[n->parent].push_back(n->row);
    }
    if (doomed.empty())
        return;
    const auto removeRuns = [this](Node* parent, std::vector<int> rows) {
        std::sort(rows.begin(), rows.end());
        auto& children = parent ? parent->children : m_groups;
        for (int i = int(rows.size()) - 1; i >= 0;) {
            int j = i;
            while (j > 0 && rows[size_t(j - 1)] == rows[size_t(j)] - 1)
                --j;
            const int first = rows[size_t(j)], last = rows[size_t(i)];
            beginRemoveRows(parent ? indexOfNode(parent) : QModelIndex(), first, last);
            const auto unregister = [this](const Node* n, const auto& self) -> void {
                if (n->kind == NodeKind::Check)
                    m_checks.remove(n->name);
                else if (n->kind == NodeKind::Service)
                    m_serviceByName.remove(n->name);
                else
                    m_groupByName.remove(n->name);
                for (const auto& c : n->children)
                    self(c.get(), self);
            };
            for (int r = first; r <= last; ++r)
                unregister(children[size_t(r)].get(), unregister);
            children.erase(children.begin() + first, children.begin() + last + 1);
            for (size_t r = size_t(first); r < children.size(); ++r)
                children[r]->row = int(r);
            endRemoveRows();
            i = j - 1;
        }
    };
    std::unordered_map<Node*, std::vector<int>> emptiedServices;
    for (auto& [parent, rows] : doomed) {
        if (parent->kind == NodeKind::Service && rows.size() == parent->children.size())
            emptiedServices[parent->parent].push_back(parent->row);
        else
            removeRuns(parent, rows);
    }
    std::unordered_map<Node*, std::vector<int>> emptiedGroups;
    for (auto& [group, rows] : emptiedServices) {
        if (rows.size() == group->children.size())
            emptiedGroups[nullptr].push_back(group->row);
        else
            removeRuns(group, rows);
    }
    for (auto& [root, rows] : emptiedGroups)
        removeRuns(root, rows);
    emitChanged(recompute(), ColName);
    Q_EMIT orderChanged();
    Q_EMIT summaryChanged();
}

std::vector<MatrixModel::Node*> MatrixModel::recompute()
{
    const auto lookOf = [](const Node* n) {
        return Look { n->status, n->attention, n->impacted, n->impactedBy, n->root, n->counted, n->healthy,
            n->failingChecks, n->since };
    };
    std::vector<std::pair<Node*, Look>> before;
    for (auto& g : m_groups) {
        before.emplace_back(g.get(), lookOf(g.get()));
        for (auto& s : g->children)
            before.emplace_back(s.get(), lookOf(s.get()));
    }

    Summary summary;
    summary.lastPoll = m_summary.lastPoll;
    QList<Node*> roots;
    for (auto& g : m_groups) {
        for (auto& s : g->children) {
            Node* service = s.get();
            service->status = Status::Ok;
            service->impacted = false;
            service->impactedBy.clear();
            service->counted = 0;
            service->healthy = 0;
            service->failingChecks.clear();
            service->since = QDateTime();
            bool any = false;
            for (auto& c : service->children) {
                const RowState& r = c->state;
                if (r.impacted) {
                    service->impacted = true;
                    service->impactedBy = r.impactedBy;
                }
                if (!r.counts)
                    continue;
                if (r.offHours) {
                    ++summary.offHours;
                    continue;
                }
                ++summary.total;
                ++summary.counts[size_t(r.status)];
                if (r.impacted && r.status != Status::Ok && r.status != Status::Starting)
                    ++summary.impacted;
                ++service->counted;
                if (r.status == Status::Ok)
                    ++service->healthy;
                else if (r.status != Status::Starting)
                    service->failingChecks << rowLabel(r);
                if (r.gated)
                    continue;
                service->status = any ? worst(service->status, r.status) : r.status;
                any = true;
            }
            if (!any)
                service->status = Status::Starting;
            for (auto& c : service->children) {
                if (c->state.status == service->status && c->state.since.isValid()
                    && (!service->since.isValid() || c->state.since < service->since))
                    service->since = c->state.since;
            }
            // The engine decides root causes (RowState::rootCause); the model only shows them.
            service->root = std::any_of(
                service->children.begin(), service->children.end(), [](const auto& c) { return c->state.rootCause; });
            if (service->root)
                roots << service;
        }
    }
    for (Status s : { Status::Ok, Status::Starting, Status::Degraded, Status::Unknown, Status::Stale, Status::Down }) {
        if (summary.counts[size_t(s)] > 0)
            summary.worst = s;
    }
    std::sort(roots.begin(), roots.end(), [](const Node* a, const Node* b) { return a->order < b->order; });
    for (const Node* r : std::as_const(roots))
        summary.rootCauses << r->name;
    const bool failing = !roots.isEmpty();

    for (auto& g : m_groups) {
        Node* group = g.get();
        group->status = Status::Ok;
        group->attention = failing ? Healthy + 1 : 0;
        group->impacted = false;
        group->impactedBy.clear();
        bool any = false, ownFailure = false;
        for (auto& s : g->children) {
            Node* service = s.get();
            int best = OffHours;
            for (auto& c : service->children) {
                c->attention = failing ? checkAttention(c->state) : 0;
                best = qMin(best, c->attention);
                for (auto& sub : c->children)
                    sub->attention = failing ? checkAttention(sub->state) : 0;
            }
            if (!failing) {
                service->attention = 0;
            } else if (service->root) {
                bool taken = true;
                for (auto& c : service->children) {
                    if (c->attention == RootCause)
                        taken = false;
                }
                service->attention = taken ? RootCauseTaken : RootCause;
            } else if (service->impacted) {
                service->attention = Impacted;
            } else {
                service->attention = best;
            }
            group->attention = failing ? qMin(group->attention, service->attention) : 0;
            if (service->counted > 0) {
                group->status = any ? worst(group->status, service->status) : service->status;
                any = true;
            }
            if (service->status != Status::Ok && service->status != Status::Starting) {
                if (service->impacted && !ownFailure) {
                    group->impacted = true;
                    group->impactedBy = service->impactedBy;
                } else if (!service->impacted) {
                    ownFailure = true;
                    group->impacted = false;
                    group->impactedBy.clear();
                }
            }
        }
    }
    m_summary = summary;

    std::vector<Node*> changed;
    for (const auto& [node, look] : before) {
        if (!(lookOf(node) == look))
            changed.push_back(node);
    }
    // Check rows only change attention when the matrix flips between calm and failing.
    if (failing != m_lastFailing) {
        for (auto& c : m_checks)
            changed.push_back(c);
    }
    m_lastFailing = failing;
    return changed;
}

void MatrixModel::setHealing(const QSet<QString>& rowKeys)
{
    if (rowKeys == m_healing)
        return;
    std::vector<Node*> changed;
    for (auto it = m_checks.cbegin(); it != m_checks.cend(); ++it) {
        if (m_healing.contains(it.key()) != rowKeys.contains(it.key()))
            changed.push_back(it.value());
    }
    m_healing = rowKeys;
    emitChanged(std::move(changed), ColStatus);
}

void MatrixModel::emitChanged(std::vector<Node*> nodes, int firstColumn)
{
    // One range per parent: the span of every changed row under it.
    std::unordered_map<Node*, std::pair<int, int>> spans;
    bool top = false;
    int topMin = 0, topMax = 0;
    for (Node* n : nodes) {
        if (!n->parent) {
            topMin = top ? qMin(topMin, n->row) : n->row;
            topMax = top ? qMax(topMax, n->row) : n->row;
            top = true;
            continue;
        }
        auto [it, inserted] = spans.try_emplace(n->parent, n->row, n->row);
        if (!inserted) {
            it->second.first = qMin(it->second.first, n->row);
            it->second.second = qMax(it->second.second, n->row);
        }
    }
    if (top)
        Q_EMIT dataChanged(index(topMin, firstColumn), index(topMax, ColCount - 1));
    for (const auto& [parent, span] : spans) {
        const QModelIndex p = indexOfNode(parent);
        Q_EMIT dataChanged(index(span.first, firstColumn, p), index(span.second, ColCount - 1, p));
    }
}

std::optional<RowState> MatrixModel::rowState(const QString& key) const
{
    if (const Node* n = m_checks.value(key))
        return n->state;
    return std::nullopt;
}

QList<RowState> MatrixModel::rowsOfCheck(const QString& service, const QString& check) const
{
    QList<RowState> out;
    const Node* s = m_serviceByName.value(service);
    if (!s)
        return out;
    for (const auto& c : s->children) {
        if (c->state.check != check)
            continue;
        out << c->state;
        for (const auto& sub : c->children)
            out << sub->state;
    }
    std::stable_sort(out.begin(), out.end(), [](const RowState& a, const RowState& b) {
        if (a.item.isEmpty() != b.item.isEmpty())
            return a.item.isEmpty();
        return a.item < b.item;
    });
    return out;
}

QModelIndex MatrixModel::indexOfKey(const QString& key, int column) const
{
    const Node* n = m_checks.value(key);
    return n ? indexOfNode(n, column) : QModelIndex();
}

QModelIndex MatrixModel::indexOfService(const QString& service, int column) const
{
    const Node* n = m_serviceByName.value(service);
    return n ? indexOfNode(n, column) : QModelIndex();
}

QStringList MatrixModel::impactedServices(const QString& rootService) const
{
    QStringList out;
    for (auto it = m_serviceByName.cbegin(); it != m_serviceByName.cend(); ++it) {
        if (it.value()->impactedBy == rootService)
            out << it.key();
    }
    out.sort();
    return out;
}

MatrixModel::Node* MatrixModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : nullptr;
}

QModelIndex MatrixModel::indexOfNode(const Node* node, int column) const
{
    return node ? createIndex(node->row, column, const_cast<Node*>(node)) : QModelIndex();
}

QModelIndex MatrixModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColCount)
        return {};
    const Node* p = nodeOf(parent);
    const auto& children = p ? p->children : m_groups;
    if (row >= int(children.size()))
        return {};
    return createIndex(row, column, children[size_t(row)].get());
}

QModelIndex MatrixModel::parent(const QModelIndex& child) const
{
    const Node* n = nodeOf(child);
    return n && n->parent ? indexOfNode(n->parent) : QModelIndex();
}

int MatrixModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const Node* p = nodeOf(parent);
    return int(p ? p->children.size() : m_groups.size());
}

int MatrixModel::columnCount(const QModelIndex&) const
{
    return ColCount;
}

Qt::ItemFlags MatrixModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    const Node* n = nodeOf(index);
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (n->kind == NodeKind::Check && !n->state.counts)
        f |= Qt::ItemNeverHasChildren;
    return f;
}

QVariant MatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case ColName:
        return tr("Service / check");
    case ColStatus:
        return tr("Status");
    case ColLatency:
        return tr("Latency");
    case ColTrend:
        return tr("Recent latency");
    case ColSince:
        return tr("Since");
    case ColDetail:
        return tr("Detail");
    case ColCount:
        break;
    }
    return {};
}

QVariant MatrixModel::data(const QModelIndex& index, int role) const
{
    const Node* n = nodeOf(index);
    if (!n)
        return {};
    switch (role) {
    case NodeKindRole:
        return int(n->kind);
    case AttentionRole:
        return n->attention;
    case ConfigOrderRole:
        return n->order;
    case StatusRole:
        return int(n->status);
    default:
        break;
    }
    return n->kind == NodeKind::Check ? checkData(n, index.column(), role) : aggregateData(n, index.column(), role);
}

QVariant MatrixModel::checkData(const Node* n, int column, int role) const
{
    const RowState& r = n->state;
    switch (role) {
    case CheckKeyRole:
        return r.key;
    case ServiceRole:
        return r.service;
    case LatencyRole:
        return r.latencyMs;
    case SparklineRole:
        return QVariant::fromValue(n->ring.points());
    case OverlaysRole: {
        QStringList overlays = overlaysOf(r);
        if (m_healing.contains(r.key))
            overlays << QStringLiteral("healing");
        return overlays;
    }
    case ImpactedByRole:
        return r.impactedBy;
    case RootCauseRole:
        return r.rootCause;
    case SourceRole:
        return r.result.alert ? QStringLiteral("Alertmanager") : QString();
    case Qt::ToolTipRole: {
        QStringList lines { r.key + u": " + statusName(r.status) };
        if (r.result.alert)
            lines << tr("an alert of Alertmanager source %1").arg(r.result.alert->source);
        if (r.pending)
            lines << tr("pending: the last result was %1, the failure threshold is not reached yet")
                         .arg(statusName(r.rawStatus));
        if (isImpactedFailure(r))
            lines << tr("impacted by %1").arg(r.impactedBy);
        if (m_healing.contains(r.key))
            lines << tr("healing: an auto-heal attempt is pending or under way");
        if (r.offHours)
            lines << tr("off-hours: outside its calendar, raises nothing");
        if (r.acknowledged)
            lines << tr("acknowledged");
        if (r.silenced)
            lines << tr("silenced: %1").arg(r.silenceReason);
        if (r.flapping)
            lines << tr("flapping: changing state too often");
        if (!r.detail.isEmpty())
            lines << r.detail;
        return lines.join(u'\n');
    }
    case Qt::DisplayRole:
        switch (Column(column)) {
        case ColName:
            if (n->parent && n->parent->kind == NodeKind::Check)
                return r.item.mid(r.item.lastIndexOf(u'/') + 1);
            return rowLabel(r);
        case ColStatus:
            return statusName(r.status);
        case ColLatency:
            return r.lastResult.isValid() ? formatLatency(r.latencyMs) : QString();
        case ColSince:
            return formatClock(r.since);
        case ColDetail:
            return isImpactedFailure(r) ? tr("impacted by %1 \u00b7 %2").arg(r.impactedBy, r.detail) : r.detail;
        case ColTrend:
        case ColCount:
            break;
        }
        return {};
    case SortRole:
        switch (Column(column)) {
        case ColName:
            return rowLabel(r).toLower();
        case ColStatus:
            return statusRank(r.status);
        case ColLatency:
        case ColTrend:
            return r.latencyMs;
        case ColSince:
            return r.since.toMSecsSinceEpoch();
        case ColDetail:
            return r.detail;
        case ColCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant MatrixModel::aggregateData(const Node* n, int column, int role) const
{
    const bool service = n->kind == NodeKind::Service;
    switch (role) {
    case CheckKeyRole:
        return service ? n->name : QString();
    case ServiceRole:
        return service ? n->name : QString();
    case ImpactedByRole:
        return n->impactedBy;
    case RootCauseRole:
        return service && n->root;
    case OverlaysRole: {
        QStringList out;
        if (service && n->root)
            out << QStringLiteral("root-cause");
        if (n->impacted) // a section is impacted when all that fails in it is impacted
            out << QStringLiteral("impacted");
        return out;
    }
    case Qt::ToolTipRole:
        if (service && n->impacted)
            return tr("%1 is impacted by %2: it depends on it, directly or through others").arg(n->name, n->impactedBy);
        if (service && n->root) {
            const QStringList down = impactedServices(n->name);
            return down.isEmpty() ? tr("%1 is failing").arg(n->name)
                                  : tr("%1 is the root cause: it takes down %2").arg(n->name, down.join(u", "));
        }
        return {};
    case Qt::DisplayRole:
        switch (Column(column)) {
        case ColName:
            return service ? n->name : (n->name.isEmpty() ? tr("Ungrouped") : n->name);
        case ColStatus:
            return statusName(n->status);
        case ColSince:
            return service ? formatClock(n->since) : QString();
        case ColDetail: {
            if (!service) {
                int failing = 0;
                for (const auto& s : n->children)
                    failing += s->status != Status::Ok && s->status != Status::Starting ? 1 : 0;
                const QString services = tr("%n service(s)", nullptr, int(n->children.size()));
                return failing ? services + u" \u00b7 " + tr("%n not ok", nullptr, failing) : services;
            }
            if (n->impacted)
                return tr("impacted by %1").arg(n->impactedBy);
            if (n->root) {
                const QStringList down = impactedServices(n->name);
                const QString what = n->failingChecks.join(u", ");
                return down.isEmpty()
                    ? tr("ROOT CAUSE \u00b7 failing: %1").arg(what)
                    : tr("ROOT CAUSE \u00b7 failing: %1 \u00b7 takes down %2").arg(what, down.join(u", "));
            }
            if (n->counted == 0)
                return QString();
            if (n->healthy == n->counted)
                return tr("%n check(s) ok", nullptr, n->counted);
            return tr("%1 of %2 ok \u00b7 %3").arg(n->healthy).arg(n->counted).arg(n->failingChecks.join(u", "));
        }
        case ColLatency:
        case ColTrend:
        case ColCount:
            break;
        }
        return {};
    case SortRole:
        switch (Column(column)) {
        case ColStatus:
            return statusRank(n->status);
        case ColSince:
            return n->since.toMSecsSinceEpoch();
        default:
            return n->name.toLower();
        }
    default:
        return {};
    }
}

} // namespace hd
