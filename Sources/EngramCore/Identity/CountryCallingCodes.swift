/// ITU country calling codes, enough to turn phone numbers into E.164.
/// The codes are prefix-free, so a number's code is found by trying 1, 2, then 3 digits.
enum CountryCallingCodes {
    static let all: Set<String> = {
        var codes: Set<String> = [
            "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39",
            "40", "41", "43", "44", "45", "46", "47", "48", "49",
            "51", "52", "53", "54", "55", "56", "57", "58",
            "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86",
            "90", "91", "92", "93", "94", "95", "98",
            "211", "212", "213", "216", "218", "290", "291", "297", "298", "299",
            "420", "421", "423", "670", "800", "808", "850", "852", "853", "855", "856",
            "870", "878", "880", "881", "882", "883", "886", "888", "979", "998",
        ]
        let ranges: [ClosedRange<Int>] = [
            220...258, 260...269, 350...359, 370...383, 385...387, 389...389,
            500...509, 590...599, 672...692, 960...968, 970...977, 992...996,
        ]
        for range in ranges { for code in range { codes.insert(String(code)) } }
        return codes
    }()

    /// Regions a store may choose as its default, with their calling codes.
    static let regions: [String: String] = [
        "US": "1", "CA": "1", "PR": "1", "GB": "44", "IE": "353", "FR": "33", "DE": "49",
        "ES": "34", "PT": "351", "IT": "39", "NL": "31", "BE": "32", "LU": "352", "CH": "41",
        "AT": "43", "DK": "45", "SE": "46", "NO": "47", "FI": "358", "IS": "354", "PL": "48",
        "CZ": "420", "SK": "421", "HU": "36", "RO": "40", "BG": "359", "GR": "30", "TR": "90",
        "UA": "380", "RU": "7", "KZ": "7", "IL": "972", "AE": "971", "SA": "966", "EG": "20",
        "MA": "212", "NG": "234", "KE": "254", "ZA": "27", "IN": "91", "PK": "92", "BD": "880",
        "CN": "86", "HK": "852", "TW": "886", "JP": "81", "KR": "82", "SG": "65", "MY": "60",
        "TH": "66", "VN": "84", "PH": "63", "ID": "62", "AU": "61", "NZ": "64", "MX": "52",
        "BR": "55", "AR": "54", "CL": "56", "CO": "57", "PE": "51", "VE": "58",
    ]

    static func code(forRegion region: String) -> String? {
        regions[region.uppercased()]
    }

    /// The calling code at the start of `digits`, if any.
    static func prefix(of digits: Substring) -> Substring? {
        for length in 1...3 where digits.count >= length {
            let candidate = digits.prefix(length)
            if all.contains(String(candidate)) { return candidate }
        }
        return nil
    }
}
