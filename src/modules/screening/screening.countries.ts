/**
 * Country names as the UN and OFAC lists write them, to ISO 3166-1 alpha-3 (the registry's nationality codes).
 * Names are matched after lower-casing, removing accents, punctuation and a leading "the". An unknown name is kept
 * as written (upper case) so that nothing is lost; it then simply matches no registry nationality.
 */
const TABLE = `AFG:Afghanistan
ALB:Albania
DZA:Algeria
AND:Andorra
AGO:Angola
ATG:Antigua and Barbuda
ARG:Argentina
ARM:Armenia
AUS:Australia
AUT:Austria
AZE:Azerbaijan
BHS:Bahamas
BHR:Bahrain
BGD:Bangladesh
BRB:Barbados
BLR:Belarus
BEL:Belgium
BLZ:Belize
BEN:Benin
BTN:Bhutan
BOL:Bolivia|Bolivia (Plurinational State of)
BIH:Bosnia and Herzegovina|Bosnia-Herzegovina
BWA:Botswana
BRA:Brazil
BRN:Brunei|Brunei Darussalam
BGR:Bulgaria
BFA:Burkina Faso
BDI:Burundi
CPV:Cabo Verde|Cape Verde
KHM:Cambodia
CMR:Cameroon
CAN:Canada
CAF:Central African Republic
TCD:Chad
CHL:Chile
CHN:China
COL:Colombia
COM:Comoros
COG:Congo|Republic of the Congo|Congo, Republic of the
COD:Democratic Republic of the Congo|Congo, Democratic Republic of the|DRC
CRI:Costa Rica
CIV:Cote d'Ivoire|Ivory Coast
HRV:Croatia
CUB:Cuba
CYP:Cyprus
CZE:Czech Republic|Czechia
DNK:Denmark
DJI:Djibouti
DMA:Dominica
DOM:Dominican Republic
ECU:Ecuador
EGY:Egypt
SLV:El Salvador
GNQ:Equatorial Guinea
ERI:Eritrea
EST:Estonia
SWZ:Eswatini|Swaziland
ETH:Ethiopia
FJI:Fiji
FIN:Finland
FRA:France
GAB:Gabon
GMB:Gambia|The Gambia
GEO:Georgia
DEU:Germany
GHA:Ghana
GRC:Greece
GRD:Grenada
GTM:Guatemala
GIN:Guinea
GNB:Guinea-Bissau
GUY:Guyana
HTI:Haiti
HND:Honduras
HKG:Hong Kong
HUN:Hungary
ISL:Iceland
IND:India
IDN:Indonesia
IRN:Iran|Iran (Islamic Republic of)|Islamic Republic of Iran
IRQ:Iraq
IRL:Ireland
ISR:Israel
ITA:Italy
JAM:Jamaica
JPN:Japan
JOR:Jordan
KAZ:Kazakhstan
KEN:Kenya
KIR:Kiribati
PRK:Democratic People's Republic of Korea|Korea, North|North Korea
KOR:Republic of Korea|Korea, South|South Korea
XKX:Kosovo
KWT:Kuwait
KGZ:Kyrgyzstan
LAO:Laos|Lao People's Democratic Republic
LVA:Latvia
LBN:Lebanon
LSO:Lesotho
LBR:Liberia
LBY:Libya|Libyan Arab Jamahiriya
LIE:Liechtenstein
LTU:Lithuania
LUX:Luxembourg
MDG:Madagascar
MWI:Malawi
MYS:Malaysia
MDV:Maldives
MLI:Mali
MLT:Malta
MHL:Marshall Islands
MRT:Mauritania
MUS:Mauritius
MEX:Mexico
FSM:Micronesia
MDA:Moldova|Republic of Moldova
MCO:Monaco
MNG:Mongolia
MNE:Montenegro
MAR:Morocco
MOZ:Mozambique
MMR:Myanmar|Burma
NAM:Namibia
NRU:Nauru
NPL:Nepal
NLD:Netherlands|Netherlands (Kingdom of the)
NZL:New Zealand
NIC:Nicaragua
NER:Niger
NGA:Nigeria
MKD:North Macedonia|Macedonia, The Former Yugoslav Republic of|The former Yugoslav Republic of Macedonia
NOR:Norway
OMN:Oman
PAK:Pakistan
PLW:Palau
PSE:State of Palestine|Palestine|Palestinian|Palestinian Territories|West Bank|Gaza
PAN:Panama
PNG:Papua New Guinea
PRY:Paraguay
PER:Peru
PHL:Philippines
POL:Poland
PRT:Portugal
QAT:Qatar
ROU:Romania
RUS:Russian Federation|Russia
RWA:Rwanda
KNA:Saint Kitts and Nevis
LCA:Saint Lucia
VCT:Saint Vincent and the Grenadines
WSM:Samoa
SMR:San Marino
STP:Sao Tome and Principe
SAU:Saudi Arabia
SEN:Senegal
SRB:Serbia
SYC:Seychelles
SLE:Sierra Leone
SGP:Singapore
SVK:Slovakia
SVN:Slovenia
SLB:Solomon Islands
SOM:Somalia
ZAF:South Africa
SSD:South Sudan
ESP:Spain
LKA:Sri Lanka
SDN:Sudan
SUR:Suriname
SWE:Sweden
CHE:Switzerland
SYR:Syrian Arab Republic|Syria
TWN:Taiwan
TJK:Tajikistan
TZA:United Republic of Tanzania|Tanzania
THA:Thailand
TLS:Timor-Leste|East Timor
TGO:Togo
TON:Tonga
TTO:Trinidad and Tobago
TUN:Tunisia
TUR:Turkiye|Türkiye|Turkey
TKM:Turkmenistan
TUV:Tuvalu
UGA:Uganda
UKR:Ukraine
ARE:United Arab Emirates
GBR:United Kingdom of Great Britain and Northern Ireland|United Kingdom|UK|Great Britain
USA:United States of America|United States|USA
URY:Uruguay
UZB:Uzbekistan
VUT:Vanuatu
VEN:Venezuela|Venezuela (Bolivarian Republic of)
VNM:Viet Nam|Vietnam
YEM:Yemen
ZMB:Zambia
ZWE:Zimbabwe
SUN:former Soviet Union|Soviet Union|USSR`;

function key(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/^(the|possibly)\s+/, '')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

const BY_NAME = new Map<string, string>();
for (const line of TABLE.split('\n')) {
  const [code, names] = line.split(':') as [string, string];
  for (const n of names.split('|')) BY_NAME.set(key(n), code);
  BY_NAME.set(code.toLowerCase(), code);
}

/** ISO3 code of a country as written in a list; null for "na" or empty; unknown names come back upper-cased. */
export function countryCode(name: string | null | undefined): string | null {
  if (!name) return null;
  const k = key(name);
  if (!k || k === 'na' || k === 'n a' || k === 'unknown') return null;
  return BY_NAME.get(k) ?? name.trim().toUpperCase();
}

/** Is this a code the table knows (so that it can match a registry nationality)? */
export function isKnownCountryCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && BY_NAME.get(code.toLowerCase()) === code;
}
