#include "shortcutsdialog.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>
#include <QVBoxLayout>
#include <functional>

namespace hd {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("hd::MainWindow", text);
}

} // namespace

QStringList keyboardShortcutsOf(const QMenuBar* menus)
{
    QStringList out;
    std::function<void(const QList<QAction*>&)> walk = [&](const QList<QAction*>& actions) {
        for (QAction* a : actions) {
            if (a->menu()) {
                walk(a->menu()->actions());
                continue;
            }
            if (a->shortcut().isEmpty() || !a->isVisible())
                continue;
            out << a->shortcut().toString(QKeySequence::NativeText) + u'\t' + QString(a->text()).remove(u'&');
        }
    };
    walk(menus->actions());
    out << tr("Enter") + u'\t' + tr("Open the selected row's detail");
    out << tr("Tab / Shift+Tab") + u'\t' + tr("Move between the matrix, the detail pane and its buttons");
    out << tr("Esc") + u'\t' + tr("In the filter: clear it and go back to the matrix");
    out << tr("Down / Enter") + u'\t' + tr("In the filter: go to the matrix");
    return out;
}

void showKeyboardShortcutsDialog(QWidget* window, const QStringList& lines)
{
    auto* dialog = window->findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
    if (!dialog) {
        dialog = new QDialog(window);
        dialog->setObjectName(QStringLiteral("shortcutsDialog"));
        dialog->setWindowTitle(tr("Keyboard shortcuts"));
        auto* table = new QTableWidget(dialog);
        table->setObjectName(QStringLiteral("shortcutsTable"));
        table->setColumnCount(2);
        table->setHorizontalHeaderLabels({ tr("Keys"), tr("Action") });
        table->horizontalHeader()->setStretchLastSection(true);
        table->verticalHeader()->hide();
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        table->setRowCount(int(lines.size()));
        for (int i = 0; i < lines.size(); ++i) {
            table->setItem(i, 0, new QTableWidgetItem(lines[i].section(u'\t', 0, 0)));
            table->setItem(i, 1, new QTableWidgetItem(lines[i].section(u'\t', 1)));
        }
        table->resizeColumnToContents(0);
        auto* close = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        QObject::connect(close, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        auto* layout = new QVBoxLayout(dialog);
        layout->addWidget(table);
        layout->addWidget(close);
        dialog->resize(520, 480);
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

} // namespace hd
