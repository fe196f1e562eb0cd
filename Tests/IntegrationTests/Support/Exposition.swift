/// One parsed series of the exporter's text output.
struct Series: CustomStringConvertible {
    let name: String
    let labels: [String: String]
    let value: String

    var description: String { "\(name)\(labels) \(value)" }
}

/// Parses Prometheus text format 0.0.4 (what the tests read back from the exporter).
enum Exposition {
    static func parse(_ text: String) -> [Series] {
        var series: [Series] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let characters = Array(line)
            var index = 0
            while index < characters.count, characters[index] != "{", characters[index] != " " { index += 1 }
            let name = String(characters[0..<index])
            var labels: [String: String] = [:]
            if index < characters.count, characters[index] == "{" {
                index += 1
                while characters[index] != "}" {
                    var key = ""
                    while characters[index] != "=" { key.append(characters[index]); index += 1 }
                    index += 2  // ="
                    var value = ""
                    while characters[index] != "\"" {
                        if characters[index] == "\\" {
                            index += 1
                            value.append(characters[index] == "n" ? "\n" : characters[index])
                        } else {
                            value.append(characters[index])
                        }
                        index += 1
                    }
                    labels[key] = value
                    index += 1  // closing quote
                    if characters[index] == "," { index += 1 }
                }
                index += 1  // }
            }
            series.append(Series(name: name, labels: labels, value: String(characters[index...]).trimmingCharacters(in: .whitespaces)))
        }
        return series
    }
}

/// A label the exporter left out because its value is empty matches "" (Prometheus's reading).
extension Array where Element == Series {
    func value(_ name: String, _ labels: [String: String]) -> String? {
        first { series in series.name == name && labels.allSatisfy { (series.labels[$0.key] ?? "") == $0.value } }?.value
    }

    func all(_ name: String, _ labels: [String: String] = [:]) -> [Series] {
        filter { series in series.name == name && labels.allSatisfy { (series.labels[$0.key] ?? "") == $0.value } }
    }
}

import Foundation
