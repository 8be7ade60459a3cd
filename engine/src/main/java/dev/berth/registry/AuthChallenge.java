package dev.berth.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme ({@code basic},
 * {@code bearer}, lower-cased) and its parameters ({@code realm}, {@code service}, {@code scope},
 * names lower-cased). A header may carry several challenges separated by commas.
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

    public String param(String name) {
        return params.getOrDefault(name, "");
    }

    /** Parses every challenge of one header value; malformed parts are skipped, never fatal. */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        int i = 0;
        int n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            i = skip(header, i, " \t,");
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && isToken(header.charAt(i))) {
                i++;
            }
            if (i == start) {
                i++; // junk character
                continue;
            }
            String token = header.substring(start, i);
            int j = skip(header, i, " \t");
            if (j < n && header.charAt(j) == '=') {
                // a parameter of the current challenge
                j = skip(header, j + 1, " \t");
                String value;
                if (j < n && header.charAt(j) == '"') {
                    StringBuilder sb = new StringBuilder();
                    j++;
                    while (j < n && header.charAt(j) != '"') {
                        char c = header.charAt(j);
                        if (c == '\\' && j + 1 < n) {
                            c = header.charAt(++j);
                        }
                        sb.append(c);
                        j++;
                    }
                    value = sb.toString();
                    j++; // closing quote
                } else {
                    int vs = j;
                    while (j < n && header.charAt(j) != ',' && header.charAt(j) != ' ') {
                        j++;
                    }
                    value = header.substring(vs, j);
                }
                if (scheme != null) {
                    params.put(token.toLowerCase(Locale.ROOT), value);
                }
                i = j;
            } else {
                if (scheme != null) {
                    out.add(new AuthChallenge(scheme, Map.copyOf(params)));
                }
                scheme = token.toLowerCase(Locale.ROOT);
                params = new LinkedHashMap<>();
                i = j;
            }
        }
        if (scheme != null) {
            out.add(new AuthChallenge(scheme, Map.copyOf(params)));
        }
        return out;
    }

    private static int skip(String s, int i, String chars) {
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static boolean isToken(char c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0;
    }
}
