// servedeck plane-key new FILE: the plane key a shared plane's consoles seal their secrets under.
#include <QTextStream>

#include "auth/planekey.h"
#include "commandline.h"

int runPlaneKey(const QStringList &arguments)
{
    QTextStream err(stderr);
    if (arguments.size() == 1 && (arguments.first() == u"--help" || arguments.first() == u"-h")) {
        QTextStream(stdout) << "usage: servedeck plane-key new FILE\n"
                               "  Writes a new random plane key to FILE (mode 0600; an existing FILE is never replaced).\n"
                               "  Give every console of a shared plane the same file: serve --plane-key-file FILE.\n";
        return 0;
    }
    if (arguments.size() != 2 || arguments.first() != u"new" || arguments.at(1).isEmpty()) {
        err << "usage: servedeck plane-key new FILE\n";
        return 2;
    }
    auto created = ServeDeck::PlaneKey::create(arguments.at(1));
    if (!created) {
        err << "servedeck plane-key: " << created.error().typeName() << ": " << created.error().message << '\n';
        return 1;
    }
    // The key itself is never printed: it is in the file only.
    QTextStream(stdout) << "plane_key_file=" << arguments.at(1) << '\n';
    return 0;
}
