#pragma once

#include "models/matrixmodel.h"

#include <QFrame>

class QLabel;

namespace hd {

// The line a trader reads first: the worst status in large type with the root
// causes and what they take down, the count per status, the time of the last
// poll cycle and the config file in use.
class SummaryStrip final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SummaryStrip)
public:
    explicit SummaryStrip(QWidget* parent = nullptr);

    void setSummary(const MatrixModel::Summary& summary, const MatrixModel& model);
    void setConfigPath(const QString& path);
    QString headline() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void restyle();

    QLabel* m_headline;
    QLabel* m_counts;
    QLabel* m_lastPoll;
    QLabel* m_config;
    Status m_worst = Status::Starting;
    bool m_empty = true;
};

} // namespace hd
