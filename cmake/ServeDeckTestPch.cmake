# Precompiled Qt headers for the Qt Test suites: CI compiles the ~140 suites in the plain and the
# ASan stage (and a share again under TSan), and parsing Qt's headers was most of each compile.
#
# GCC uses a precompiled header only where every macro the header mentions is defined as it was
# when the header was built (-Winvalid-pch, which CMake adds, says so; with SERVEDECK_WERROR it
# fails the build). QtTest reads QT_NETWORK_LIB, QT_GUI_LIB, QT_WIDGETS_LIB and the like, which
# each linked Qt module defines, and Qt6::Test defines QT_TESTCASE_BUILDDIR and
# QT_TESTCASE_SOURCEDIR as the suite's own folders. So:
#   - every suite links one of two fixed Qt sets (an INTERFACE target each), not the modules its
#     libraries happen to bring;
#   - the two folder paths are undefined: they serve QFINDTESTDATA only, which no suite uses
#     (suites find their files through SERVEDECK_SOURCE_DIR);
#   - each set's header is built once, by an executable of its own that links the same set with
#     the same flags as the suites, and every suite of that set reuses it (REUSE_FROM).
# A suite that needs a Qt module outside its set gets it by adding the module to the set: linked
# on its own, its QT_<MODULE>_LIB may make GCC drop the shared header (-Winvalid-pch says which).
# Two sets, not one: where QT_WIDGETS_LIB is defined, QTEST_MAIN makes a QApplication instead of a
# QCoreApplication, and a suite that does not link the ui library does not see Widgets headers.
#
# The fuzz build (clang, no Qt Test suites) has none of this.

# Every suite that does not link servedeck_ui: Core, Test, and what core/ libraries bring.
add_library(servedeck_test_qt INTERFACE)
target_link_libraries(servedeck_test_qt INTERFACE
    servedeck_common Qt6::Core Qt6::Test Qt6::Network Qt6::Sql Qt6::WebSockets Qt6::DBus)
# Options come after the definitions on the command line: these undo Qt6::Test's two paths.
target_compile_options(servedeck_test_qt INTERFACE -UQT_TESTCASE_BUILDDIR -UQT_TESTCASE_SOURCEDIR)

# The suites that link servedeck_ui: the above and what ui/ brings (Charts brings OpenGL and
# OpenGLWidgets).
add_library(servedeck_test_qtui INTERFACE)
target_link_libraries(servedeck_test_qtui INTERFACE servedeck_test_qt Qt6::Gui Qt6::Widgets Qt6::Charts)

# The headers: Qt's, which every suite may see without a change in what it does, the ones the
# suites and the core/ headers they include use most.
set(servedeck_test_pch_headers
    <QtCore> <QtTest> <QtNetwork> <QtSql>
    <memory> <functional> <optional> <algorithm> <vector>)
set(servedeck_test_pch_ui_headers <QtGui> <QtWidgets>)

# servedeck_test_pch(<owner> <qt set> <headers...>): the executable that builds one shared header.
function(servedeck_test_pch owner qt)
    file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${owner}.cpp CONTENT "int main()\n{\n    return 0;\n}\n")
    add_executable(${owner} ${CMAKE_CURRENT_BINARY_DIR}/${owner}.cpp)
    # Never run: out of bin/, where the suites look for the programs they start.
    set_target_properties(${owner} PROPERTIES AUTOMOC OFF RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    target_link_libraries(${owner} PRIVATE ${qt})
    target_precompile_headers(${owner} PRIVATE ${ARGN})
endfunction()
servedeck_test_pch(servedeck_test_pch servedeck_test_qt ${servedeck_test_pch_headers})
servedeck_test_pch(servedeck_test_pch_ui servedeck_test_qtui ${servedeck_test_pch_headers} ${servedeck_test_pch_ui_headers})

# servedeck_reuse_test_pch(<target> <qt set>): <target> compiles against its set's shared header.
# Called in the folder that made <target>.
function(servedeck_reuse_test_pch target qt)
    if(qt STREQUAL "servedeck_test_qtui")
        target_precompile_headers(${target} REUSE_FROM servedeck_test_pch_ui)
    else()
        target_precompile_headers(${target} REUSE_FROM servedeck_test_pch)
    endif()
    # AUTOMOC's collection file is empty where the moc output is included by the suite's .cpp (no
    # header of the suites has Q_OBJECT): loading the header would be most of its compile.
    set_source_files_properties(${CMAKE_CURRENT_BINARY_DIR}/${target}_autogen/mocs_compilation.cpp
        PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
endfunction()
