#pragma once

#include <QObject>
#include <QPointer>

class QWidget;

namespace hd {

class HistoryModel;
class MatrixModel;
class MonitorRuntime;

// What the Check menu, the detail pane's buttons and their shortcuts do to one row: acknowledge it (or take the
// acknowledgement back), silence its service for a while, run it now. The questions go through Prompts, the work to
// the runtime (queued); what happens is said through message(), which the window shows in its status bar.
class CheckActions final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CheckActions)
public:
    CheckActions(MonitorRuntime* runtime, MatrixModel* matrix, QWidget* dialogParent);

    // The alert-history model the acknowledgement shows in at once, before the history has it.
    void setHistory(HistoryModel* history) { m_history = history; }
    // --read-only: an alert row is not acknowledged (that would write a silence in Alertmanager).
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }

    void acknowledge(const QString& key);
    void silence(const QString& key);
    void runNow(const QString& key);

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);

private:
    MonitorRuntime* m_runtime;
    MatrixModel* m_matrix;
    QWidget* m_dialogParent;
    QPointer<HistoryModel> m_history;
    bool m_readOnly = false;
};

} // namespace hd
