#pragma once

#include "core/status.h"

#include <QObject>
#include <QStringList>

class QDockWidget;
class QLabel;
class QListWidget;
class QWidget;

namespace hd {

// What happened while the user was away: each notice raised then is a line in the "While you were away" dock,
// and when the window is active again a banner says how many there were, with Show and Dismiss.
class AwayLog final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwayLog)
public:
    // Makes the banner and the dock as children of window; the window places them.
    explicit AwayLog(QWidget* window);

    QWidget* banner() const { return m_banner; }
    QDockWidget* dock() const { return m_dock; }

    void record(const QString& line, Status colour);
    QStringList lines() const { return m_lines; }
    // The window is active again: the banner, when something was recorded that was not seen yet.
    void showUnseen();

private:
    QWidget* m_banner;
    QLabel* m_text;
    QDockWidget* m_dock;
    QListWidget* m_list;
    QStringList m_lines;
    int m_unseen = 0;
};

} // namespace hd
