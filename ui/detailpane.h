#pragma once

#include "monitor/rowstate.h"
#include "remediation/remediationplan.h"
#include "store/historytypes.h"

#include <QTimer>
#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace hd {

class HistoryStore;

// Everything about the selected check: its status and overlays in words, every
// condition with its resolved values, the sub-checks, the raw response
// (headers, body pretty-printed and capped, Redis TTL), its timing and its
// recent state changes from the history; plus Acknowledge, Silence and Run now.
class DetailPane final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailPane)
public:
    explicit DetailPane(HistoryStore* store, QWidget* parent = nullptr);

    // rows: the check's own row first, then its sub-checks or pattern keys; the
    // selected one is `key`. An empty list clears the pane.
    void showRows(const QString& key, const QList<RowState>& rows);
    QString currentKey() const { return m_key; }
    // In read-only mode an alert row offers no acknowledgement: it would write a silence to Alertmanager.
    void setReadOnly(bool readOnly);
    QString text() const; // what the pane shows, as plain text
    void refreshHistory();
    // The "Admin actions…" button shows only once an admin panel is plugged in.
    void setAdminAvailable(bool available);
    // The auto-heal plan that covers the shown check ("auto-heal: restart the scheduler in 45 s (attempt 1/3)"),
    // with Cancel and Run now; nullopt hides it.
    void setRemediationPlan(const std::optional<RemediationPlan>& plan);
    QString remediationText() const;

Q_SIGNALS:
    void acknowledgeRequested(const QString& key);
    void silenceRequested(const QString& key);
    void runNowRequested(const QString& key);
    void adminRequested(const QString& service);
    void healCancelRequested(const QString& target);
    void healRunNowRequested(const QString& target);

private:
    QString render(const RowState& row, const QList<RowState>& rows) const;
    QString alertSection(const AlertFacts& alert, const QDateTime& now) const;
    void onEvents(quint64 id, const QList<hd::StateEvent>& events);

    HistoryStore* m_store;
    QLabel* m_title;
    QLabel* m_status;
    QPushButton* m_ack;
    QPushButton* m_silence;
    QPushButton* m_runNow;
    QPushButton* m_admin;
    QTextBrowser* m_text;
    QWidget* m_heal;
    QLabel* m_healText;
    QPushButton* m_healCancel;
    QPushButton* m_healRunNow;
    QTimer m_healTick; // the countdown
    std::optional<RemediationPlan> m_plan;
    QString m_key;
    bool m_readOnly = false;
    QByteArray m_shownFingerprint;
    QList<RowState> m_rows;
    QList<StateEvent> m_history;
    quint64 m_historyRequest = 0;
};

} // namespace hd
