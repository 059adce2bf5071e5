#pragma once

#include <QWidget>

class QLineEdit;
class QTreeView;

namespace hd {

class MatrixFilterProxy;
class MatrixModel;

// The status matrix as the Status tab shows it: the filter field over the tree of sections, services and checks.
// New sections and services open as they arrive; Enter on a row asks for its detail; in the filter, Esc clears it
// and Down or Enter go to the matrix.
class MatrixPane final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MatrixPane)
public:
    // Puts model behind proxy and proxy in the view.
    MatrixPane(MatrixModel* model, MatrixFilterProxy* proxy, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    QLineEdit* filter() const { return m_filter; }
    void focusFilter();

Q_SIGNALS:
    void detailRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    MatrixFilterProxy* m_proxy;
    QLineEdit* m_filter;
    QTreeView* m_view;
};

} // namespace hd
