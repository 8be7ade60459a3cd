package dev.berth.container;

import java.security.SecureRandom;
import java.util.List;
import java.util.function.Predicate;

/** Docker-style "adjective_surname" names for containers created without --name. */
final class NameGenerator {
    private static final List<String> LEFT = List.of("admiring", "agitated", "amazing", "angry", "awesome", "bold",
            "brave", "busy", "charming", "clever", "cool", "dazzling", "determined", "eager", "ecstatic", "elastic",
            "elegant", "epic", "festive", "focused", "friendly", "gallant", "gifted", "happy", "hopeful", "inspiring",
            "jolly", "keen", "kind", "laughing", "loving", "lucid", "modest", "nice", "nostalgic", "optimistic",
            "peaceful", "practical", "quirky", "relaxed", "serene", "sharp", "stoic", "sweet", "tender", "trusting",
            "upbeat", "vibrant", "vigilant", "wizardly", "zealous");
    private static final List<String> RIGHT = List.of("albattani", "allen", "archimedes", "babbage", "bardeen",
            "bartik", "bell", "blackwell", "bohr", "brattain", "cerf", "curie", "darwin", "dijkstra", "einstein",
            "euclid", "euler", "fermat", "feynman", "franklin", "galileo", "gauss", "goldberg", "hamilton", "hawking",
            "hopper", "hypatia", "johnson", "kepler", "knuth", "lamport", "leakey", "lovelace", "mcclintock",
            "meitner", "newton", "noether", "pascal", "pike", "ritchie", "shannon", "sinoussi", "stonebraker",
            "tesla", "thompson", "torvalds", "turing", "wilson", "wozniak", "wright", "yalow");
    private static final SecureRandom RANDOM = new SecureRandom();

    private NameGenerator() {}

    static String generate(Predicate<String> taken) {
        for (int i = 0; ; i++) {
            String n = LEFT.get(RANDOM.nextInt(LEFT.size())) + "_" + RIGHT.get(RANDOM.nextInt(RIGHT.size()));
            if (i > 10) {
                n += RANDOM.nextInt(10);
            }
            if (!taken.test(n)) {
                return n;
            }
        }
    }
}
