#include "statuspalette.h"

namespace hd {

QColor statusColor(Status status)
{
    switch (status) {
    case Status::Ok:
        return QColor(0x2e, 0x9d, 0x4f);
    case Status::Starting:
        return QColor(0x3b, 0x82, 0xc4);
    case Status::Degraded:
        return QColor(0xe0, 0xa1, 0x1b);
    case Status::Unknown:
        return QColor(0x8a, 0x63, 0xc7);
    case Status::Stale:
        return QColor(0xc2, 0x6a, 0x1a);
    case Status::Down:
        return QColor(0xd2, 0x3b, 0x3b);
    }
    return Qt::gray;
}

} // namespace hd
