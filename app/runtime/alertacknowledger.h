#pragma once

#include "monitor/acknowledgements.h"
#include "monitor/rowstate.h"

#include <QObject>
#include <functional>

namespace hd {

class AlertmanagerSilences;
class HistoryStore;
class MonitorEngine;

// Acknowledges an Alertmanager alert row the way Alertmanager knows: with a silence in the alert's own
// Alertmanager, and takes the acknowledgement back by expiring that silence. Every attempt is audited in the
// history, a refused one (read-only) too. Lives on the engine's thread, beside the engine whose config names the
// sources.
class AlertAcknowledger final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertAcknowledger)
public:
    AlertAcknowledger(HistoryStore* store, QObject* parent = nullptr);

    // answer(accepted) is called once, later (or at once when the row's source is unknown or read-only).
    void acknowledge(const MonitorEngine& engine, const RowState& row, const Acknowledgement& ack, bool remove,
        bool readOnly, std::function<void(bool)> answer);

private:
    HistoryStore* m_store;
    AlertmanagerSilences* m_silences = nullptr; // made on first use, a child
};

} // namespace hd
