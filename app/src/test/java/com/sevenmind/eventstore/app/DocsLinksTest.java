package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the README and the pages under docs/ leads to a file of the repository, and every
 * {@code #anchor} to a heading of its page (as GitHub makes anchors of headings). External links are not followed.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);
    private static final Pattern FENCE = Pattern.compile("^```.*?^```", Pattern.MULTILINE | Pattern.DOTALL);

    @Test
    void every_link_of_the_docs_leads_somewhere() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertTrue(pages.size() > 5, "the pages: " + pages);
        List<String> dead = new ArrayList<>();
        for (Path page : pages) {
            Matcher link = LINK.matcher(withoutCode(Files.readString(page)));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue;
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    dead.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    dead.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), dead, "dead links");
    }

    @Test
    void the_readme_stays_a_front_page() throws IOException {
        long lines = Files.readAllLines(ROOT.resolve("README.md")).size();
        assertTrue(lines <= 200, "README.md has " + lines + " lines; move the detail to a page under docs/");
    }

    /** GitHub's anchors: lower case, punctuation dropped but for '-' and '_', spaces to '-', repeats numbered. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        if (!page.toString().endsWith(".md")) {
            return anchors;
        }
        Matcher heading = HEADING.matcher(withoutCode(Files.readString(page)));
        while (heading.find()) {
            String slug = heading.group(1).strip().toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            String anchor = slug;
            for (int n = 1; !anchors.add(anchor); n++) {
                anchor = slug + "-" + n;
            }
        }
        return anchors;
    }

    private static String withoutCode(String markdown) {
        return FENCE.matcher(markdown).replaceAll("");
    }
}
