package dev.berth.cli.format;

import java.util.List;

/** Parsed template tree, modelled on Go's text/template/parse nodes. */
sealed interface Node {
    record Text(String text) implements Node {}

    /** {{pipeline}}: prints the value unless the pipeline declares variables. */
    record Action(int pos, Pipeline pipe) implements Node {}

    record If(int pos, Pipeline pipe, List<Node> then, List<Node> otherwise) implements Node {}

    record With(int pos, Pipeline pipe, List<Node> then, List<Node> otherwise) implements Node {}

    record Range(int pos, Pipeline pipe, List<Node> body, List<Node> otherwise) implements Node {}

    /** {@code $a, $b := cmd | cmd}; {@code decl} empty when nothing is declared. */
    record Pipeline(int pos, List<String> decl, List<Command> cmds) {}

    record Command(int pos, List<Arg> args) {}

    /** Operands of a command. */
    sealed interface Arg {
        int pos();
    }

    record Dot(int pos) implements Arg {}

    record Nil(int pos) implements Arg {}

    /** {@code .A.B} chain on dot. */
    record Field(int pos, List<String> names) implements Arg {}

    /** {@code $x.A.B}; names may be empty. */
    record Variable(int pos, String name, List<String> names) implements Arg {}

    /** {@code (pipeline).A.B}; names may be empty. */
    record Chain(int pos, Pipeline pipe, List<String> names) implements Arg {}

    record Identifier(int pos, String name) implements Arg {}

    record Literal(int pos, Object value, String source) implements Arg {}
}
