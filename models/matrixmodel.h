#pragma once

#include "config/config.h"
#include "latencyring.h"
#include "monitor/rowstate.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHash>
#include <QSet>
#include <array>
#include <memory>
#include <optional>
#include <vector>

namespace hd {

// The status matrix as a tree: group sections -> services -> rows (a check, a
// sub-check inside its body, or a key found by a pattern). It is fed one batch
// per poll cycle (MonitorEngine::rowsUpdated): new rows arrive with one
// beginInsertRows per parent, changes with one dataChanged range per parent.
// Rows are appended in arrival order; MatrixFilterProxy puts them in display
// order: root causes first while something fails, otherwise config order.
//
// Why it is longer than 600 lines (about 880): the index bookkeeping of a three-level tree, its incremental
// inserts and removals, the services' and sections' roll-up, and the data of each node kind are one
// QAbstractItemModel. What is not the model lives beside it: the filter and order (MatrixFilterProxy), the sparkline
// buffer (LatencyRing), the words (displaytext), and the root cause, which the engine decides (RowState::rootCause).
class MatrixModel final : public QAbstractItemModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MatrixModel)
public:
    enum Column { ColName, ColStatus, ColLatency, ColTrend, ColSince, ColDetail, ColCount };
    Q_ENUM(Column)
    enum class NodeKind { Group, Service, Check };
    Q_ENUM(NodeKind)

    struct Summary {
        std::array<int, 6> counts {}; // indexed by hd::Status; counted rows in their calendar only
        int offHours = 0;
        int impacted = 0; // not ok because a dependency fails (already in counts)
        int total = 0;
        Status worst = Status::Ok;
        QStringList rootCauses; // failing services no dependency explains
        QDateTime lastPoll; // UTC: the newest probe result seen
        bool failing() const { return !rootCauses.isEmpty(); }
        int count(Status status) const { return counts[size_t(status)]; }
    };

    explicit MatrixModel(QObject* parent = nullptr);
    ~MatrixModel() override;

    // The config gives the display order of groups, services and checks. A reload
    // that moves a service to another group starts the matrix afresh.
    void setConfig(const Config& config);
    void updateRows(const QList<hd::RowState>& rows);
    void removeKeys(const QStringList& keys);
    void clear();
    // Rows with an auto-heal attempt pending or in flight: they carry the "healing" overlay.
    void setHealing(const QSet<QString>& rowKeys);
    void setSparklineCapacity(int samples) { m_sparkCapacity = qMax(2, samples); }

    std::optional<RowState> rowState(const QString& key) const;
    // The check's own row first, then its sub-checks or pattern keys.
    QList<RowState> rowsOfCheck(const QString& service, const QString& check) const;
    QModelIndex indexOfKey(const QString& key, int column = ColName) const;
    QModelIndex indexOfService(const QString& service, int column = ColName) const;
    // The services a failing root cause takes down with it, sorted.
    QStringList impactedServices(const QString& rootService) const;
    const Summary& summary() const { return m_summary; }
    int checkCount() const { return int(m_checks.size()); }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

Q_SIGNALS:
    void summaryChanged();
    // After a batch that inserted rows or changed what orders or filters them
    // (status, overlays, attention): once, after its dataChanged signals.
    void orderChanged();

private:
    struct Node;
    struct Look; // what a group or service row shows, to tell whether it changed

    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOfNode(const Node* node, int column = ColName) const;
    Node* ensureCheck(const RowState& row, std::vector<std::unique_ptr<Node>>& newGroups,
        std::vector<std::pair<Node*, std::vector<std::unique_ptr<Node>>>>& newChildren);
    int orderOf(NodeKind kind, const QString& name);
    void feed(Node* check, const RowState& row);
    // Recomputes services, groups, attention and the summary; returns the nodes whose look changed.
    std::vector<Node*> recompute();
    // One dataChanged per parent over the changed rows, from firstColumn to the last.
    void emitChanged(std::vector<Node*> nodes, int firstColumn);
    QVariant checkData(const Node* node, int column, int role) const;
    QVariant aggregateData(const Node* node, int column, int role) const;

    std::vector<std::unique_ptr<Node>> m_groups;
    QHash<QString, Node*> m_groupByName;
    QHash<QString, Node*> m_serviceByName;
    QHash<QString, Node*> m_checks; // row key -> node
    QHash<QString, int> m_order; // "g:NAME", "s:NAME", "c:SERVICE/CHECK" -> config position
    QHash<QString, QString> m_configGroup; // service -> group, from the config
    QSet<QString> m_healing;
    int m_nextOrder = 0;
    int m_sparkCapacity = 60;
    bool m_lastFailing = false;
    Summary m_summary;
};

} // namespace hd
