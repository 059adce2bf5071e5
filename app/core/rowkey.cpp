#include "rowkey.h"

namespace hd {

QString RowKey::make(const QString& service, const QString& check, const QString& item)
{
    QString key = service + u'/' + check;
    if (!item.isEmpty())
        key += u'/' + item;
    return key;
}

QString RowKey::below(const QString& key, const QString& name)
{
    return key + u'/' + name;
}

RowKey RowKey::parse(const QString& key)
{
    RowKey out;
    const qsizetype first = key.indexOf(u'/');
    if (first < 0)
        return out;
    out.service = key.left(first);
    const qsizetype second = key.indexOf(u'/', first + 1);
    out.check = second < 0 ? key.mid(first + 1) : key.mid(first + 1, second - first - 1);
    if (second >= 0)
        out.item = key.mid(second + 1);
    return out;
}

} // namespace hd
