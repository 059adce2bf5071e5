#pragma once

#include "models/historymodel.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace hd {

class HistoryStore;

// The alert history tab: state changes, acknowledgements and admin actions in
// one table, filtered by time range, service, status, severity and free text,
// exported to CSV off the UI thread.
class HistoryPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryPanel)
public:
    explicit HistoryPanel(HistoryStore* store, QWidget* parent = nullptr);

    HistoryModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    void setServices(const QStringList& services);
    HistoryFilter currentFilter() const;
    void exportCsv(); // asks for a file, then writes in the background

Q_SIGNALS:
    void exported(const hd::CsvExportResult& result);

private:
    void applyFilter();
    void updateCount();

    HistoryModel* m_model;
    QTableView* m_view;
    QComboBox* m_range;
    QComboBox* m_service;
    QComboBox* m_status;
    QComboBox* m_severity;
    QLineEdit* m_search;
    QPushButton* m_export;
    QLabel* m_count;
    QTimer m_debounce;
};

} // namespace hd
