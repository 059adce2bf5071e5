#pragma once

#include <QStringList>

class QMenuBar;
class QWidget;

namespace hd {

// Every keyboard shortcut of a window, one "keys<TAB>what" per line: the menus' actions, then the keys the matrix
// and the filter take.
QStringList keyboardShortcutsOf(const QMenuBar* menus);
// Help -> Keyboard shortcuts: a table of those lines, made once per window and shown again after.
void showKeyboardShortcutsDialog(QWidget* window, const QStringList& lines);

} // namespace hd
