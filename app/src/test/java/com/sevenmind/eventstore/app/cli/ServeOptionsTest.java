package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.Cli;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every option of {@code serve} can come from the environment, and its help says from which variable. */
class ServeOptionsTest {

    private static final Pattern OPTION = Pattern.compile("^ {2,6}(?:-\\w, )?(--[a-z-]+)");
    /** The database is never reached: help and usage errors come before it is opened. */
    private static final Cli CLI = new Cli("jdbc:postgresql://127.0.0.1:1/unused");

    @Test
    void the_help_of_every_serve_option_names_its_variable() {
        Cli.Result help = CLI.run("serve", "--help");
        assertEquals(0, help.exit(), help.toString());
        Map<String, String> options = options(help.out());
        assertTrue(options.keySet().containsAll(List.of("--port", "--bind", "--threads", "--drain-seconds",
                "--pool-size", "--connect-timeout")), options.keySet().toString());
        List<String> without = new ArrayList<>();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String variable = "EVENTSTORE_" + option.getKey().substring(2).replace('-', '_').toUpperCase();
            if (!Set.of("--help", "--version").contains(option.getKey())
                    && !option.getValue().contains("(env " + variable)) {
                without.add(option.getKey() + " (" + variable + ")");
            }
        }
        assertEquals(List.of(), without, help.out());
        assertTrue(options.get("--port").contains("(env EVENTSTORE_PORT, else PORT; default: "),
                options.get("--port"));
    }

    @Test
    void the_new_options_refuse_values_out_of_range_naming_the_option() {
        assertEquals("--pool-size must be 1 to 1000, was 0", usageError("serve", "--pool-size", "0"));
        assertEquals("--connect-timeout must be 1 to 3600 seconds, was 0",
                usageError("serve", "--connect-timeout", "0"));
        assertEquals("--drain-seconds must be 0 to 3600, was -1", usageError("serve", "--drain-seconds", "-1"));
    }

    private static String usageError(String... args) {
        Cli.Result result = CLI.run(args);
        assertEquals(2, result.exit(), result.toString());
        return result.err().lines().findFirst().orElse("");
    }

    /** Each option of a help text with its description, on one line. */
    private static Map<String, String> options(String help) {
        Map<String, String> options = new LinkedHashMap<>();
        String current = null;
        for (String line : help.lines().toList()) {
            Matcher m = OPTION.matcher(line);
            if (m.find()) {
                current = m.group(1);
                options.put(current, "");
            }
            if (current != null) {
                options.merge(current, line.strip() + " ", String::concat);
            }
        }
        options.replaceAll((name, text) -> text.replaceAll("\\s+", " "));
        return options;
    }
}
