#include <cstring>

#include <sys/stat.h>

#include <QCoreApplication>
#include <QTextStream>

#include "commandline.h"
#include "demo/productversion.h"

namespace {

int usage(int code)
{
    QTextStream(code == 0 ? stdout : stderr)
        << "usage:\n"
           "  servedeck                 the console: embedded control plane, agent and proxy\n"
           "  servedeck serve [--data-dir D] [--api HOST:PORT] [--proxy HOST:PORT] [--capacity cpu=N,memory=M]\n"
           "                  [--signing-key-file]\n"
           "                            the same without a window\n"
           "  servedeck ctl <verb> ...  talk to the control API (servedeck ctl help)\n"
           "  servedeck demo [--check] [--data-dir D] [--models DIR]\n"
           "                            a guided demo on a control plane of its own (--check: no prompts, exit 0\n"
           "                            only when every step worked)\n"
           "  servedeck --version       the version\n"
           "  servedeck agent --join servedeck://HOST:PORT?token=...&sha256=... [--agent-id ID] [--capacity ...]\n"
           "                            a remote agent that runs replicas for a control plane\n"
           "  servedeck plane-key new FILE\n"
           "                            a new plane key (0600) for a shared plane's consoles (serve --plane-key-file)\n";
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    // Before anything is created: the data dir is 0700 and every file in it (database, tokens,
    // keys, logs) private to this user from its first byte, not narrowed afterwards.
    ::umask(077);
    const char *verb = argc > 1 ? argv[1] : "";
    if (std::strcmp(verb, "--version") == 0 || std::strcmp(verb, "-V") == 0) {
        QTextStream(stdout) << ServeDeck::productVersionLine() << '\n';
        return 0;
    }
    if (std::strcmp(verb, "serve") == 0 || std::strcmp(verb, "ctl") == 0 || std::strcmp(verb, "agent") == 0
        || std::strcmp(verb, "demo") == 0 || std::strcmp(verb, "plane-key") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("servedeck"));
        QCoreApplication::setOrganizationName(QStringLiteral("ServeDeck"));
        const QStringList rest = app.arguments().mid(2);
        if (std::strcmp(verb, "agent") == 0)
            return runAgent(rest);
        if (std::strcmp(verb, "demo") == 0)
            return runDemo(rest);
        if (std::strcmp(verb, "plane-key") == 0)
            return runPlaneKey(rest);
        return std::strcmp(verb, "serve") == 0 ? runServe(rest) : runCtl(rest);
    }
    if (std::strcmp(verb, "-h") == 0 || std::strcmp(verb, "--help") == 0 || std::strcmp(verb, "help") == 0)
        return usage(0);
    if (argc > 1 && verb[0] != '-')
        return usage(2);
    return runGui(argc, argv);
}
