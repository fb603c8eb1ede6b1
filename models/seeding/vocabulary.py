"""The word lists synthetic regulars are drawn from: names, the menu, preferences, talking
points, notes, tags and contact details.

Weighted lists are (weight, item) pairs; ``DRINK_PICKS``, ``FOOD_PICKS`` and ``CULTURE_PICKS``
repeat each entry in proportion to its weight, so a weighted pick is one random index.
"""

from __future__ import annotations

from collections.abc import Sequence

# (weight, given names, family names). Accents, apostrophes and hyphens are there on purpose:
# search must find "Łukasz" by "lukasz" and "O'Brien" by "obrien".
CULTURES: tuple[tuple[float, tuple[str, ...], tuple[str, ...]], ...] = (
    (14, ("Katherine", "Elizabeth", "William", "Robert", "Margaret", "Christopher", "Jennifer",
          "Jonathan", "Benjamin", "Samantha", "Rebecca", "Theodore", "Mary-Jane", "Billie-Jo",
          "Hannah", "Oliver", "Grace", "Ethan", "Olivia", "Daniel", "Emily", "Nicholas", "Ruby",
          "Harper", "Mason", "Abigail", "Walter", "Dolores", "Frank", "June"),
     ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Miller", "Davis", "Wilson", "Moore",
      "Clarke", "Walker", "Hughes", "Bennett", "Turner", "Parker", "Campbell", "Smith-Jones",
      "Fairweather", "Holloway", "Reed")),
    (6, ("Siobhán", "Niamh", "Aoife", "Ciarán", "Seán", "Saoirse", "Pádraig", "Róisín", "Declan",
         "Orla", "Eoin", "Caoimhe"),
     ("O'Brien", "O'Connor", "O'Sullivan", "McCarthy", "Murphy", "Kennedy", "Ó Briain",
      "Fitzgerald", "MacNamara", "Doyle")),
    (12, ("José", "María", "Lucía", "Alejandro", "Sofía", "Javier", "Guadalupe", "Francisco",
          "Camila", "Andrés", "Valentina", "Mateo", "Inés", "Ramón", "Ximena", "Joaquín"),
     ("Alvarez", "García", "Hernández", "Núñez", "Rodríguez", "Martínez", "López", "Ibáñez",
      "Peña", "Castillo", "Ortega", "Muñoz", "Delgado", "Fuentes")),
    (4, ("Łukasz", "Małgorzata", "Wojciech", "Zofia", "Aleksandra", "Paweł", "Agnieszka",
         "Krzysztof", "Joanna", "Michał"),
     ("Kowalski", "Wiśniewska", "Nowak", "Wójcik", "Zieliński", "Kamińska", "Lewandowski",
      "Dąbrowska")),
    (5, ("Zoë", "Chloé", "Hélène", "François", "Étienne", "Amélie", "Jean-Luc", "Anne-Marie",
         "Noémie", "Gaël", "Léa", "Benoît"),
     ("Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Fontaine", "Mercier")),
    (4, ("Jürgen", "Jörg", "Sören", "Lena", "Matthias", "Anke", "Björn", "Åsa", "Søren", "Ingrid",
         "Freja", "Mikkel"),
     ("Müller", "Schröder", "Weiß", "Becker", "Hoffmann", "Sørensen", "Lindqvist", "Ødegaard",
      "Johansson", "Bergström")),
    (4, ("João", "Conceição", "Thiago", "Beatriz", "Giulia", "Niccolò", "Francesca", "Matteo",
         "Chiara", "Lorenzo"),
     ("Gonçalves", "Araújo", "Ferreira", "Rossi", "De Luca", "Esposito", "Romano", "Bianchi")),
    (5, ("Thảo", "Minh", "Phương", "Linh", "Huy", "Trang", "Maricel", "Jun", "Rowena", "Paolo"),
     ("Nguyễn", "Trần", "Lê", "Phạm", "Santos", "Reyes", "dela Cruz", "Bautista")),
    (6, ("Priya", "Arjun", "Aditi", "Rajesh", "Priyanka", "Ananya", "Vikram", "Deepa", "Sunil",
         "Kavya"),
     ("Patel", "Sharma", "Iyer", "Reddy", "Gupta", "Menon", "Chatterjee", "Singh")),
    (5, ("Yusuf", "Layla", "Omar", "Fatima", "Karim", "Noor", "Muhammad", "Amira", "Ayşe",
         "Emre", "Çağla", "Mert"),
     ("Haddad", "Al-Sayed", "Khalil", "Mansour", "Nasser", "Yılmaz", "Öztürk", "Şahin")),
    (5, ("Chidi", "Adaeze", "Oluwaseun", "Chukwuemeka", "Ngozi", "Kwame", "Ama", "Abebe",
         "Wanjiru", "Tendai"),
     ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Mwangi", "Tesfaye", "Abubakar")),
    (3, ("Eleni", "Giorgos", "Dimitra", "Noa", "Avi", "Tamar", "Anastasia", "Dmitri", "Oksana",
         "Jiří", "Zsófia", "Þóra", "Guðrún"),
     ("Papadopoulos", "Cohen", "Levi", "Ivanova", "Kovalenko", "Dvořák", "Szőke",
      "Sigurðardóttir")),
)

# Whole names written without spaces, with a romanised e-mail handle and an everyday name.
CJK_NAMES: tuple[tuple[str, str, str], ...] = (
    ("王芳", "wang.fang", "Fiona"), ("李娜", "li.na", ""), ("张伟", "zhang.wei", "David"),
    ("陈静", "chen.jing", ""), ("刘洋", "liu.yang", "Leo"), ("黄丽", "huang.li", "Lily"),
    ("佐藤花子", "hanako.sato", "Hana"), ("鈴木一郎", "ichiro.suzuki", ""),
    ("高橋さくら", "sakura.takahashi", "Sakura"), ("김민준", "minjun.kim", ""),
    ("이서연", "seoyeon.lee", "Sophie"), ("박지훈", "jihoon.park", ""),
)

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Katherine": ("Kate", "Kat", "Katie"), "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "William": ("Will", "Bill"), "Robert": ("Rob", "Bobby"), "Margaret": ("Maggie", "Peggy"),
    "Christopher": ("Chris", "Kit"), "Jennifer": ("Jen",), "Jonathan": ("Jon", "Jonny"),
    "Benjamin": ("Ben", "Benji"), "Samantha": ("Sam",), "Rebecca": ("Becky", "Bex"),
    "Theodore": ("Teddy", "Theo"), "Mary-Jane": ("MJ",), "Nicholas": ("Nick",),
    "Siobhán": ("Shiv",), "Pádraig": ("Paddy",), "Alejandro": ("Alex",), "José": ("Pepe",),
    "Francisco": ("Paco",), "Guadalupe": ("Lupe",), "Małgorzata": ("Gosia",),
    "Aleksandra": ("Ola",), "Wojciech": ("Wojtek",), "Krzysztof": ("Krzyś",),
    "Oluwaseun": ("Seun",), "Chukwuemeka": ("Emeka",), "Muhammad": ("Mo",),
    "Rajesh": ("Raj",), "Priyanka": ("Priya",), "Anastasia": ("Nastya",), "Dmitri": ("Dima",),
    "Niccolò": ("Nico",), "Francesca": ("Fran", "Frankie"), "Giorgos": ("George",),
    "Valentina": ("Vale",), "Matthias": ("Matze",), "Zsófia": ("Zsófi",),
}

# (weight, item). Drinks first on the ticket, then maybe something to eat.
DRINKS: tuple[tuple[float, str], ...] = (
    (6, "oat flat white"), (6, "flat white"), (4, "double espresso"), (4, "cortado"),
    (5, "cappuccino"), (4, "large latte"), (3, "oat latte, extra hot"), (3, "iced oat latte"),
    (3, "long black"), (2, "americano with a splash of milk"), (1, "piccolo"),
    (2, "macchiato"), (2, "mocha, no cream"), (2, "decaf flat white"), (1, "soy cappuccino"),
    (2, "batch brew, black"), (2, "cold brew"), (2, "chai latte"), (1, "dirty chai"),
    (2, "matcha latte with oat milk"), (1, "hot chocolate"), (2, "English breakfast tea"),
    (1, "Earl Grey, milk on the side"), (1, "peppermint tea"), (1, "almond milk cortado"),
    (1, "half-caf long black"),
)
FOOD: tuple[tuple[float, str], ...] = (
    (3, "almond croissant"), (3, "plain croissant"), (2, "pain au chocolat"),
    (3, "banana bread, toasted"), (2, "cinnamon bun"), (3, "bacon & egg roll"),
    (2, "avocado toast with chilli flakes"), (2, "smoked salmon bagel"), (2, "pastrami on rye"),
    (1, "turkey & swiss on sourdough"), (2, "ham & cheese toastie"), (1, "BLT, no tomato"),
    (1, "falafel wrap"), (1, "soup of the day"), (1, "Reuben"), (1, "egg & cress sandwich"),
    (1, "granola with yoghurt"), (1, "porridge with honey"), (1, "Cubano"),
    (1, "gluten-free brownie"), (1, "babyccino for the little one"),
)
PASTRIES = ("almond croissant", "plain croissant", "pain au chocolat", "cinnamon bun",
            "banana bread", "morning bun", "lemon drizzle slice")

PREFERENCES = (
    "extra hot", "oat milk", "no sugar", "half sweet", "light on the foam", "extra shot",
    "in a mug, staying in", "brings own keep cup", "likes the window seat", "pays by card",
    "no lid", "splash of cold milk", "toast well done", "has it ready if we see them parking",
    "decaf after 2 pm", "skinny milk", "large, always", "sugar in the raw, two",
    "no cinnamon on top", "heart latte art, please", "tap water with it",
)
ALLERGIES = (
    "tree nuts", "peanuts", "dairy (lactose)", "coeliac — no gluten", "sesame", "egg", "soy",
    "shellfish", "cinnamon", "kiwi",
)
CITIES = ("Lisbon", "Kyoto", "Mexico City", "Oaxaca", "Seoul", "Dublin", "Kraków", "Lagos",
          "Marrakesh", "Hanoi", "Reykjavík", "Naples", "Buenos Aires", "Vancouver", "Chicago",
          "Porto", "Istanbul", "Copenhagen", "Bogotá", "Melbourne")
PETS = ("Biscuit", "Pickles", "Mochi", "Olive", "Toast", "Bruno", "Luna", "Pepper", "Waffles",
        "Ziggy", "Nacho", "Maple")
DOGS = ("corgi", "greyhound", "sausage dog", "golden retriever", "French bulldog", "whippet",
        "border collie", "pug", "cockapoo", "rescue mutt")
TEAMS = ("the Dodgers", "the Lakers", "LAFC", "Arsenal", "the Galaxy", "the Sparks",
         "Boca Juniors", "the Rams")
PLACES = ("the hospital", "the library", "the new bakery on 4th", "the high school",
          "the bike shop", "City Hall", "a design studio", "the vet clinic", "the bookshop")
TALKING_POINTS = (
    "ask about the {city} trip", "training for the {city} marathon", "new puppy, {pet}",
    "started a new job at {place}", "daughter just started university", "into sourdough baking",
    "plays in a jazz trio on Fridays", "big fan of {team}", "learning Japanese",
    "renovating the kitchen", "just became a grandparent", "grows tomatoes on the balcony",
    "doing a pottery course", "moving to {city} next year", "writing a novel",
    "restoring an old motorbike", "sings in a choir", "twins turning five soon",
    "back from {city} — ask about the food", "volunteers at the dog shelter",
    "studying for the bar exam", "birdwatcher — ask what they spotted",
)
COMMON_TAGS = ("student", "neighbour", "remote-worker", "dog-owner", "staff-favourite",
               "teacher", "nurse", "local-business", "early-bird", "loyalty-card", "family",
               "cyclist")
LOOKS = ("tall", "very tall", "short grey hair", "red beanie", "big headphones",
         "always in running gear", "cycling jersey", "paint-splattered overalls",
         "scrubs, night shift", "hi-vis vest", "tweed jacket", "yellow raincoat",
         "silver rings", "round glasses", "green scarf", "suit and trainers", "pink hair",
         "long braids", "bushy moustache", "tattooed forearms", "denim jacket", "bucket hat")
THINGS = ("red fixie", "black lab", "golden retriever", "double pram", "skateboard",
          "laptop covered in stickers", "sketchbook", "crossword", "guitar case", "yoga mat",
          "toolbox", "film camera", "vintage Vespa", "twin boys", "sausage dog",
          "French bulldog", "trumpet case", "stack of library books")
DESCRIPTIONS = (
    "works at the bookshop next door", "comes in with the twins after school drop-off",
    "runs the flower stall on Saturdays", "usually on a call — wave, don't talk",
    "sits at the big table with a laptop", "drives the 33 bus, quick stop",
    "brings the whole office order on Fridays", "always with a crossword",
)
# (text, pinned). Practical must-knows are pinned; the rest is colour.
NOTES: tuple[tuple[str, bool], ...] = (
    ("Prefers to pay by card, never cash", True),
    ("Hard of hearing in the left ear; face them when talking", True),
    ("Likes their name spelled right on the cup", True),
    ("Likes to order at the bar, not from the table", True),
    ("Often orders ahead by phone; keep the order warm by the till", True),
    ("Has a {dog} called {pet} — keep a dog biscuit handy", False),
    ("Back from {city}, loved the coffee there", False),
    ("Was sad we ran out of {pastry}; set one aside on Fridays", False),
    ("Recommended us to their whole office", False),
    ("Moving to {city} in the spring — will miss them", False),
    ("Brought the team a box of doughnuts for no reason", False),
    ("Their partner sometimes picks up the order", False),
    ("Asked whether we cater birthdays — sent them to the manager", False),
    ("Tips generously, always says hi to the whole team", False),
    ("Mentioned they are training for a half marathon", False),
    ("Left a lovely review online", False),
    ("Asked us to save the Sunday paper crossword", False),
    ("Knows the owner from way back", False),
)
AREA_CODES = ("310", "323", "213", "562", "626", "818", "714", "949", "415", "212", "646",
              "718", "617", "206", "503", "312", "512", "305")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

# ----------------------------------------------------------------------------------------------
# Weighted picks
# ----------------------------------------------------------------------------------------------


def _expand(weighted: Sequence[tuple[float, str]]) -> tuple[str, ...]:
    """Each item repeated in proportion to its weight, for O(1) weighted picks."""
    return tuple(item for weight, item in weighted for _ in range(round(weight * 2)))


DRINK_PICKS = _expand(DRINKS)
FOOD_PICKS = _expand(FOOD)
CULTURE_PICKS: tuple[int, ...] = tuple(
    index for index, (weight, _, _) in enumerate(CULTURES) for _ in range(round(weight))
)
