#include "demomenu.h"

#include "demo/demosession.h"

#include <QCoreApplication>
#include <QMenu>
#include <QMenuBar>
#include <QSignalBlocker>

namespace hd {

QMenu* addDemoMenu(QMenuBar* menus, DemoSession* demo)
{
    QMenu* menu = menus->addMenu(QCoreApplication::translate("hd::MainWindow", "&Demo"));
    menu->setObjectName(QStringLiteral("demoMenu"));
    menu->setToolTipsVisible(true);
    QList<QAction*> faults;
    int n = 0;
    for (DemoSession::Fault f : DemoSession::faults()) {
        QAction* a = menu->addAction(DemoSession::faultLabel(f));
        a->setCheckable(true);
        a->setObjectName(u"demoFault" + QString::number(int(f)));
        if (++n <= 9)
            a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + n)));
        QObject::connect(a, &QAction::toggled, demo, [demo, f](bool on) { demo->setFault(f, on); });
        faults << a;
    }
    menu->addSeparator();
    QAction* heal = menu->addAction(
        QCoreApplication::translate("hd::MainWindow", "&Heal everything"), demo, &DemoSession::healAll);
    heal->setShortcut(QKeySequence(Qt::ALT | Qt::Key_0));
    QObject::connect(demo, &DemoSession::faultsChanged, menu, [faults, demo] {
        const auto all = DemoSession::faults();
        for (qsizetype i = 0; i < faults.size(); ++i) {
            const QSignalBlocker block(faults.at(i));
            faults.at(i)->setChecked(demo->isFaultOn(all.at(i)));
        }
    });
    return menu;
}

} // namespace hd
